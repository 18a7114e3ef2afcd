"""The HTTP service: the center's Open311 endpoint (and, later, the field endpoints). It calls the
services as the views do; nothing below it imports it."""
