"""What each common first-level class of a Chinese government hotline or message board is about
(智能派单's prior knowledge): a few dozen words and short phrases per domain, so a class seen a
dozen times in training still knows that a 出租车 or 快递 complaint is 交通运输's.

Written from general knowledge of what each department answers for (its 三定 duties, the
category names of 12345 hotlines), **before** any labelled complaint set was looked at, and not
mined from one: a lexicon fitted to a test file would only measure the test file.

A class name is matched by its parts: after normalising (NFKC, no spaces or punctuation, no
connective 和/与/及 and no trailing 类/问题/局/委…), it must be covered entirely by names of known
domains, longest first: 教育文体 = 教育 + 文体 (culture and sports), 卫生计生 = 卫生 + 计生,
劳动和社会保障 = 劳动 + 社会保障, 住房和城乡建设 = 住房 + 城乡建设. A name not covered entirely
(a bare code, a center's own leaf such as 垃圾堆放, a made-up label) has no prior.

No Qt and no database here.
"""

from __future__ import annotations

import re
import unicodedata

# domain -> (its names and aliases, what it is about), each a list separated by spaces. Each phrase
# is something a caller or a message would say of a matter the domain's department handles.
_DOMAINS: dict[str, tuple[str, str]] = {
    "住房和城乡建设": (
        "住房和城乡建设 城乡建设 城市建设 城建 住建 建设 村镇建设 住房 房产 房地产 房管 住房保障 "
        "物业管理",
        "城市规划 规划许可 建设工程 建筑施工 工地 施工质量 市政工程 市政道路 道路改造 "
        "老旧小区改造 棚户区改造 城中村改造 拆迁 房屋征收 拆迁补偿 安置房 回迁 供水 停水 供气 "
        "燃气管道 天然气 集中供暖 暖气不热 排水管网 下水道 雨污分流 路灯 园林绿化 公园 违章建筑 "
        "违法建设 加装电梯 建筑垃圾 小区配套 农村危房改造 人居环境 基础设施建设 管网改造 地下管线 "
        "商品房 开发商 购房 买房 购房合同 延期交房 交房 房屋质量 墙体开裂 房屋漏水 房产证 办证难 "
        "网签 预售许可 烂尾楼 楼盘 售楼部 公租房 廉租房 保障性住房 经济适用房 人才公寓 住房公积金 "
        "公积金贷款 物业公司 物业费 物业服务 业主委员会 业主 维修基金 小区车位 小区停车 电梯故障 "
        "二手房 房屋租赁 中介 学区房",
    ),
    "人力资源和社会保障": (
        "人力资源和社会保障 人社 劳动 劳动就业 就业 人力资源 人事 劳动保障 社会保障 社保 社会保险",
        "拖欠工资 欠薪 农民工工资 讨薪 工资待遇 最低工资 加班费 劳动合同 签订劳动合同 试用期 辞退 "
        "解除劳动合同 经济补偿 劳动仲裁 劳动争议 劳动监察 用人单位 员工 职工 企业职工 招聘 招工 "
        "就业创业 失业 再就业 创业补贴 职业技能培训 职业资格 职称评定 事业单位招聘 公务员考试 "
        "编制 人才引进 派遣 劳务派遣 高温补贴 年休假 退休审批 社保缴费 补缴社保 社保断缴 养老保险 "
        "养老金 退休金 退休待遇 医疗保险 医保报销 异地就医 医保卡 社保卡 失业保险 失业金 工伤保险 "
        "工伤认定 工伤赔偿 生育保险 生育津贴 城乡居民医保 新农合 城乡居民养老保险 缴费年限 "
        "社保转移 社保关系 五险一金 缴费基数 企业未缴社保 退休年龄 视同缴费 被征地农民社保 "
        "灵活就业人员社保",
    ),
    "教育": (
        "教育 教育局 教体",
        "学校 学生 家长 老师 教师 班主任 校长 幼儿园 小学 初中 高中 中学 大学 职业学校 民办学校 "
        "入学 招生 学位 学区 划片 择校 转学 借读 中考 高考 补课 有偿补课 校外培训机构 课外辅导 "
        "学费 乱收费 教辅资料 作业负担 校车 学校食堂 营养餐 校园安全 体罚学生 师德 教师待遇 "
        "代课教师 特岗教师 义务教育 放学时间 寒暑假 课程 考试 助学金 学籍",
    ),
    "文化": (
        "文化 文广 广电 广播电视 新闻出版 文物",
        "图书馆 文化馆 博物馆 文化站 农家书屋 文艺演出 电影院 广播电视信号 有线电视 网吧 歌舞厅 "
        "娱乐场所 文物保护 古建筑 非物质文化遗产 出版物 盗版 文化活动 文化市场 文化遗产",
    ),
    "体育": (
        "体育 体育运动",
        "体育场馆 体育馆 游泳馆 健身器材 全民健身 健身房 运动场 篮球场 足球场 体育设施 体育赛事 "
        "马拉松 体育考试 体育课 群众体育 健身步道 广场文化 文体活动",
    ),
    "卫生健康": (
        "卫生健康 卫生 卫健 卫健委 医疗 医疗卫生 健康 疾控 计划生育 计生 人口计生 卫计 医保 "
        "医疗保障",
        "医院 医生 护士 看病 就医 住院 门诊 急诊 挂号 医疗费用 乱收费 过度医疗 医疗事故 医疗纠纷 "
        "医患 误诊 手术 医德医风 红包 卫生院 社区卫生服务中心 村卫生室 诊所 乡村医生 无证行医 "
        "药品 药费 药店 疫苗 预防接种 传染病 疫情防控 核酸检测 体检 120急救 救护车 妇幼保健 "
        "家庭医生 精神病人 公共卫生 职业病 医美 医师资格 计划生育政策 独生子女 独生子女父母 "
        "奖励扶助 计生特殊家庭 失独家庭 二孩 三孩 生育登记 准生证 生育服务证 出生医学证明 "
        "社会抚养费 超生 计生证明 节育 结扎 上环 孕检 产检 产假 婚育 独生子女费 计生奖励",
    ),
    "交通运输": (
        "交通运输 交通 运输 交通局 交通运输局 运管 公路 道路运输",
        "公交 公交车 公交线路 公交站 公交站台 公交司机 班车 客运 客运站 汽车站 长途汽车 出租车 "
        "的士 网约车 打车 拒载 绕路 黑车 地铁 轨道交通 高铁 火车站 铁路 机场 航班 公路 国道 省道 "
        "高速公路 收费站 通行费 农村公路 道路破损 路面坑洼 桥梁 修路 道路拥堵 红绿灯 交通信号灯 "
        "交通标志 驾校 驾驶证 驾考 车辆年审 货车 超载 物流 快递 快递员 快递公司 邮政 包裹 "
        "共享单车 停车场 停车收费 港口 码头 渡口 轮渡 航道",
    ),
    "商贸": (
        "商贸 商务 商业 贸易 商务局 经贸 商务和经济 商贸流通",
        "商场 超市 商店 商户 商家 门店 购物 消费 消费者 退货 退款 售后 发票 预付卡 购物卡 会员卡 "
        "充值 办卡 美容美发 健身卡 商品价格 涨价 物价 价格欺诈 明码标价 促销 网购 电商 直播带货 "
        "农贸市场 菜市场 批发市场 摊位 商铺 商业街 步行街 招商引资 营商环境 外贸 进出口 加油站 "
        "成品油 酒类 二手车 拍卖 传销 非法集资 虚假宣传 餐饮店 外卖 夜市",
    ),
    "旅游": (
        "旅游",
        "景区 景点 门票 旅游景区 旅行社 导游 跟团游 旅游团 强制购物 强制消费 旅游投诉 游客 酒店 "
        "宾馆 民宿 农家乐 客栈 旅游线路 旅游开发 旅游服务 乡村旅游 景区停车 景区管理 索道 漂流 "
        "旅游节 度假村 温泉 古镇",
    ),
    "环境保护": (
        "环境保护 环保 环境 生态环境 生态 生态环境保护 环境保护局",
        "环境污染 污染 空气污染 大气污染 雾霾 废气 排放 烟尘 粉尘 扬尘 异味 臭味 恶臭 刺鼻气味 "
        "水污染 污水直排 偷排 排污 废水 河水发黑 黑臭水体 噪音 噪声 噪音扰民 施工噪音 夜间施工 "
        "机器轰鸣 油烟 餐饮油烟 化工厂 工厂排放 搅拌站 砂石厂 养殖场污染 焚烧 垃圾焚烧 秸秆焚烧 "
        "固体废物 危险废物 医疗废物 辐射 电磁辐射 基站辐射 土壤污染 环评 环境影响评价 环保督察 "
        "污染源 排污许可 监测 生态破坏 自然保护区 垃圾填埋场 污水处理厂",
    ),
    "民政": (
        "民政 民政局 社会救助 社会事务 养老服务",
        "低保 最低生活保障 特困供养 五保户 临时救助 困难救助 残疾人 残疾补贴 护理补贴 高龄津贴 "
        "养老院 敬老院 养老机构 居家养老 孤儿 留守儿童 困境儿童 流浪乞讨 婚姻登记 结婚登记 "
        "离婚登记 殡葬 墓地 公墓 火化 村委会 居委会 社区 村民委员会选举 社会组织 慈善 地名 "
        "行政区划 村务公开",
    ),
    "公安": (
        "公安 公安局 派出所 治安 社会治安 警务 交警 交通管理",
        "报警 110 民警 警察 派出所出警 盗窃 被盗 偷窃 抢劫 诈骗 电信诈骗 打架斗殴 殴打 故意伤害 "
        "黑恶势力 扫黑除恶 赌博 涉黄 卖淫嫖娼 吸毒 贩毒 治安隐患 户口 户籍 落户 迁户口 身份证 "
        "居住证 出入境 护照 交通违章 违章停车 酒驾 飙车 炸街 交通事故 交警执法 电动车上牌 监控 "
        "寻人",
    ),
    "市场监管": (
        "市场监管 市场监督管理 市场监督 工商 质监 质量技术监督 食药监 食品药品监督管理 食品药品 "
        "市场",
        "食品安全 过期食品 变质 食物中毒 无证经营 营业执照 工商登记 假冒伪劣 假货 产品质量 "
        "质量问题 缺斤短两 计量 价格违法 虚假广告 虚假宣传 商标侵权 消费者权益 消费维权 12315 "
        "特种设备 电梯安全 餐饮卫生 后厨卫生 药品质量 保健品 化妆品 三无产品 食品作坊 网络交易 "
        "霸王条款 知识产权",
    ),
    "农业农村": (
        "农业农村 农业 农村 农林 农牧 三农 农业农村局 畜牧 渔业",
        "农民 农户 种植 养殖 农田 耕地 农作物 粮食 种子 化肥 农药 农机 农产品 惠农补贴 种粮补贴 "
        "土地承包 承包地 土地流转 宅基地 村集体 集体经济 集体资产 农民专业合作社 乡村振兴 扶贫 "
        "脱贫 精准扶贫 贫困户 动物防疫 病死猪 兽药 水产养殖 渔民 禁渔 高标准农田 农田水利 "
        "农村厕所改造 人居环境整治 美丽乡村",
    ),
    "自然资源": (
        "自然资源 国土 国土资源 自然资源和规划 规划 国土空间 林业 林草",
        "土地 用地 征地 土地征收 征地补偿 违法占地 占用耕地 基本农田 土地出让 国有土地使用权 "
        "不动产登记 不动产权证 土地证 确权 测绘 矿产 采矿 非法采矿 非法采砂 采石场 地质灾害 "
        "山体滑坡 国土空间规划 控制性详细规划 规划变更 容积率 林地 森林 砍伐树木 滥伐林木 毁林 "
        "植树造林 野生动物 古树名木",
    ),
    "水务": (
        "水务 水利 水务局 水利局 供排水 河长制",
        "自来水 水压 水质 水费 水表 停水 供水管道 排水 积水 内涝 排涝 防汛 抗旱 水库 河道 河堤 "
        "堤坝 水渠 灌溉 农田灌溉 水闸 泵站 河道清淤 河道采砂 水土保持 饮水安全 农村饮水 水井 取水 "
        "节水 污水处理",
    ),
    "城市管理": (
        "城市管理 城管 综合执法 城市管理综合执法 市容 市容环卫 环卫 环境卫生",
        "占道经营 流动摊贩 乱摆摊 摆地摊 店外经营 违章搭建 私搭乱建 户外广告 广告牌 招牌 垃圾清运 "
        "垃圾桶 垃圾分类 垃圾堆放 环卫工人 道路保洁 公共厕所 市容市貌 乱贴小广告 渣土车 沿街晾晒 "
        "井盖 绿化带 树木修剪 城管执法 共享单车乱停",
    ),
    "应急管理": (
        "应急管理 应急 安全生产 安监 消防 消防救援",
        "安全隐患 安全生产事故 生产安全 危险化学品 危化品 烟花爆竹 消防通道 消防设施 灭火器 "
        "火灾隐患 火灾 电动车充电 飞线充电 燃气泄漏 煤气罐 液化气 矿山安全 非煤矿山 自然灾害 救灾 "
        "应急救援 防灾减灾 有限空间 安全培训",
    ),
    "退役军人": (
        "退役军人 退役军人事务 退伍军人 双拥 优抚",
        "退伍 退役 转业 复员 退役士兵安置 优抚对象 伤残军人 烈士 军属 军人家属 参战老兵 带病回乡 "
        "立功 军龄 优待证",
    ),
    "司法": (
        "司法 司法行政 法律服务 矛盾纠纷 纠纷调解 调解",
        "法律援助 律师 公证 人民调解 调解委员会 司法所 社区矫正 法律咨询 邻里纠纷 家庭纠纷 "
        "婚姻家庭纠纷 债务纠纷 合同纠纷 土地纠纷 矛盾调解 诉讼 法院判决 执行难",
    ),
    "通信电力": (
        "通信 通讯 电力 供电 工业和信息化 工信 通信管理 邮电",
        "停电 电费 电压不稳 供电所 电线老化 变压器 电线杆 电表 高压线 手机信号 信号差 宽带 网络 "
        "光纤 电信 移动 联通 话费 骚扰电话 垃圾短信 通信基站 携号转网",
    ),
    "财税金融": (
        "税务 财政 金融 财税 银行 保险",
        "纳税 税款 个人所得税 退税 发票 财政补贴 专项资金 银行 贷款 信用卡 催收 征信 理财 "
        "保险理赔 非法集资 网贷 P2P 集资诈骗",
    ),
}
DOMAINS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    domain: (tuple(names.split()), tuple(phrases.split()))
    for domain, (names, phrases) in _DOMAINS.items()
}

# names that stand for more than one domain
COMPOUNDS: dict[str, tuple[str, ...]] = {
    "文体": ("文化", "体育"),
    "文化体育": ("文化", "体育"),
    "文旅": ("文化", "旅游"),
    "文广旅": ("文化", "旅游"),
    "教体": ("教育", "体育"),
    "教育体育": ("教育", "体育"),
}

_CONNECTIVES = "和与及暨、/,，·;；"
_SUFFIXES = (
    "委员会",
    "管理局",
    "部门",
    "问题",
    "方面",
    "领域",
    "事务",
    "工作",
    "类别",
    "类",
    "局",
    "委",
    "厅",
    "办",
)
_PUNCT = re.compile(r"[\s\W_]+")


def _norm(name: str) -> str:
    s = unicodedata.normalize("NFKC", str(name))
    s = "".join(ch for ch in s if ch not in _CONNECTIVES)
    return _PUNCT.sub("", s)


def _index() -> list[tuple[str, tuple[str, ...]]]:
    """(alias, its domains), longest alias first."""
    pairs: set[tuple[str, tuple[str, ...]]] = {
        (_norm(alias), (domain,)) for domain, (names, _) in DOMAINS.items() for alias in names
    }
    pairs |= {(_norm(alias), domains) for alias, domains in COMPOUNDS.items()}
    return sorted(pairs, key=lambda p: (-len(p[0]), p[0], p[1]))


_INDEX = _index()


def _strip(s: str) -> str:
    changed = True
    while changed and s:
        changed = False
        for suffix in _SUFFIXES:
            if s.endswith(suffix) and len(s) > len(suffix) + 1:
                s = s[: -len(suffix)]
                changed = True
    return s


def domains_of(name: str) -> list[str]:
    """The known domains a class name is made of (in the name's order), or [] where the name is
    not covered entirely by known domains' names."""
    for s in dict.fromkeys((_norm(name), _strip(_norm(name)))):
        found = _cover(s)
        if found:
            return found
    return []


def _cover(s: str) -> list[str]:
    """Greedy longest-first cover of ``s`` by the domains' names (each part may end in one of
    the suffixes: 环保局, 公安局); [] where something is left over."""
    out: list[str] = []
    i = 0
    while i < len(s):
        for alias, domains in _INDEX:
            if alias and s.startswith(alias, i):
                i += len(alias)
                for suffix in _SUFFIXES:
                    if s.startswith(suffix, i):
                        i += len(suffix)
                        break
                out.extend(d for d in domains if d not in out)
                break
        else:
            return []
    return out


def phrases_of(name: str) -> list[str]:
    """What a class of that name is about: its domains' phrases, in order, each once ([] for an
    unknown name)."""
    out: dict[str, None] = {}
    for domain in domains_of(name):
        for phrase in DOMAINS[domain][1]:
            out.setdefault(phrase, None)
    return list(out)
