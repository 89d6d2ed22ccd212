"""Demo data drawn from the bureau's notice 乌教发〔2023〕75号.

The source is /work/shared/seed/wujiaofa-2023-75.txt, a text extracted from the PDF of the notice. The text kept
here is that notice, repaired where the extraction damaged it and otherwise unchanged character for character:

- five sentences split at page breaks are joined again ("教育费附加30%资金", "优质均衡评估创建", "共建小组",
  "《乌海市中小学教学常规》的有效落实", "引导家长树立正确的");
- the heading "(一)" is written with full-width parentheses like its six siblings: "（一）";
- the stray space in the title "…扩优提质 若干措施" is removed;
- the spaces around numbers inside Chinese text ("海南区 2024 年", "加 30%资金") are removed;
- the "#" and "**" marks of the extraction are layout, not content. The only "**" kept are those around the bold
  lead sentence of each measure ("**1.发挥中小学校党组织领导作用。**一是…"), which the renderer sets in bold;
- the garbled Mongolian line of the header is OCR noise and is not data.

The units beyond those the notice names, the district of each school and MEASURE_LEADS are invented for the demo.

Plain data, standard library only: the loader in this package turns it into rows.
"""

# ---------------------------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------------------------

BUREAU = dict(code="bureau", name="乌海市教育局", short_name="市教育局", kind="bureau")

SECTIONS = [
    dict(code="office", name="乌海市教育局办公室", short_name="办公室", kind="section", parent="bureau"),
    dict(code="personnel", name="乌海市教育局组织人事科", short_name="组织人事科", kind="section", parent="bureau"),
    dict(code="finance", name="乌海市教育局计划财务科", short_name="计划财务科", kind="section", parent="bureau"),
    dict(
        code="basic_education", name="乌海市教育局基础教育科", short_name="基础教育科", kind="section", parent="bureau"
    ),
    dict(
        code="vocational_education",
        name="乌海市教育局职业教育与成人教育科",
        short_name="职业教育与成人教育科",
        kind="section",
        parent="bureau",
    ),
    dict(
        code="teacher_affairs", name="乌海市教育局教师工作科", short_name="教师工作科", kind="section", parent="bureau"
    ),
    dict(
        code="sports_health_arts",
        name="乌海市教育局体育卫生与艺术教育科",
        short_name="体育卫生与艺术教育科",
        kind="section",
        parent="bureau",
    ),
    dict(code="safety", name="乌海市教育局安全稳定科", short_name="安全稳定科", kind="section", parent="bureau"),
    dict(code="inspection", name="乌海市教育局教育督导室", short_name="教育督导室", kind="section", parent="bureau"),
    dict(code="policy_law", name="乌海市教育局政策法规科", short_name="政策法规科", kind="section", parent="bureau"),
]

# A district bureau answers to its district government, not to the city bureau: it has no parent unit.
DISTRICT_BUREAUS = [
    dict(code="haibowan", name="海勃湾区教育局", short_name="海勃湾区", kind="district_bureau", parent=None),
    dict(code="wuda", name="乌达区教育局", short_name="乌达区", kind="district_bureau", parent=None),
    dict(code="hainan", name="海南区教育局", short_name="海南区", kind="district_bureau", parent=None),
]

# Short names are written as measure 8 of the notice writes them at first mention, so that PAIRINGS can be looked
# up by short name. Which district runs which middle school is a demo decision that follows the pairings: each
# high school is paired with the middle schools around it.
SCHOOLS = [
    # The three 市属普通高中.
    dict(code="no1_middle", name="乌海市第一中学", short_name="市一中", kind="school", parent="bureau", level="high"),
    dict(code="no6_middle", name="乌海市第六中学", short_name="市六中", kind="school", parent="bureau", level="high"),
    dict(code="no10_middle", name="乌海市第十中学", short_name="市十中", kind="school", parent="bureau", level="high"),
    # 初中, in the order the notice first names them.
    dict(code="no2_middle", name="乌海市第二中学", short_name="市二中", kind="school", parent="bureau", level="middle"),
    dict(code="no3_middle", name="乌海市第三中学", short_name="三中", kind="school", parent="haibowan", level="middle"),
    dict(code="no4_middle", name="乌海市第四中学", short_name="四中", kind="school", parent="haibowan", level="middle"),
    dict(
        code="no18_middle",
        name="乌海市第十八中学",
        short_name="十八中",
        kind="school",
        parent="haibowan",
        level="middle",
    ),
    dict(
        code="no19_middle",
        name="乌海市第十九中学",
        short_name="十九中",
        kind="school",
        parent="haibowan",
        level="middle",
    ),
    dict(code="no5_middle", name="乌海市第五中学", short_name="五中", kind="school", parent="hainan", level="middle"),
    dict(code="no8_middle", name="乌海市第八中学", short_name="八中", kind="school", parent="hainan", level="middle"),
    dict(code="no9_middle", name="乌海市第九中学", short_name="九中", kind="school", parent="hainan", level="middle"),
    dict(
        code="no12_middle", name="乌海市第十二中学", short_name="十二中", kind="school", parent="wuda", level="middle"
    ),
    dict(
        code="no16_middle", name="乌海市第十六中学", short_name="十六中", kind="school", parent="wuda", level="middle"
    ),
    dict(
        code="wuda_experimental_middle",
        name="乌海市乌达区实验中学",
        short_name="乌达区实验中学",
        kind="school",
        parent="wuda",
        level="middle",
    ),
    # Primary schools: not in the notice, two per district for the demo.
    dict(
        code="haibowan_no1_primary",
        name="乌海市海勃湾区第一小学",
        short_name="海勃湾区一小",
        kind="school",
        parent="haibowan",
        level="primary",
    ),
    dict(
        code="haibowan_no2_primary",
        name="乌海市海勃湾区第二小学",
        short_name="海勃湾区二小",
        kind="school",
        parent="haibowan",
        level="primary",
    ),
    dict(
        code="wuda_no1_primary",
        name="乌海市乌达区第一小学",
        short_name="乌达区一小",
        kind="school",
        parent="wuda",
        level="primary",
    ),
    dict(
        code="wuda_no2_primary",
        name="乌海市乌达区第二小学",
        short_name="乌达区二小",
        kind="school",
        parent="wuda",
        level="primary",
    ),
    dict(
        code="hainan_no1_primary",
        name="乌海市海南区第一小学",
        short_name="海南区一小",
        kind="school",
        parent="hainan",
        level="primary",
    ),
    dict(
        code="hainan_no2_primary",
        name="乌海市海南区第二小学",
        short_name="海南区二小",
        kind="school",
        parent="hainan",
        level="primary",
    ),
]

DIRECT_UNITS = [
    dict(
        code="teaching_research",
        name="乌海市教育教学研究室",
        short_name="市教研室",
        kind="direct_unit",
        parent="bureau",
    ),
    dict(
        code="audiovisual_education",
        name="乌海市电化教育馆",
        short_name="市电教馆",
        kind="direct_unit",
        parent="bureau",
    ),
    dict(
        code="youth_center",
        name="乌海市青少年活动中心",
        short_name="市青少年活动中心",
        kind="direct_unit",
        parent="bureau",
    ),
]

# Addressee groups, in the order of the notice's 主送机关 line.
GROUPS = [
    dict(name="各区教育局", rule=dict(kinds=["district_bureau"])),
    dict(name="直属各学校（单位）", rule=dict(kinds=["school", "direct_unit"], parent="bureau")),
    dict(name="局机关各科室", rule=dict(kinds=["section"])),
]

# ---------------------------------------------------------------------------------------------------------------
# 三、推进举措: seven actions, eleven measures
# ---------------------------------------------------------------------------------------------------------------

ACTIONS = [
    dict(
        number=1,
        label="（一）",
        title="推动党的建设与教育教学深度融合，实施党建引领行动",
        measures=[
            dict(
                number=1,
                title="发挥中小学校党组织领导作用",
                intro="",
                items=[
                    "一是扎实推行中小学校党组织领导的校长负责制，坚持和加强党对中小学校工作的全面领导，切实履行把方向、"
                    "管大局、作决策、抓班子、带队伍、保落实的领导职责。",
                    "二是着力健全党组织统一领导、党政分工合作、协调运行的总体工作机制。学校党组织书记主持党组织全面工作，"
                    "讨论决定事关学校改革发展稳定及教育教学、行政管理中的“三重一大”事项和学校章程等基本管理制度。"
                    "校长在学校党组织领导下，依法依规行使职权，落实学校党组织有关决议，向学校党组织报告重大决议执行情况。",
                ],
            ),
            dict(
                number=2,
                title="完善工作运行体制机制",
                intro="",
                items=[
                    "一是健全党组织统一领导、党政分工合作、协调运行的工作机制。完善定期沟通、保障监督、“双培养”、"
                    "督查评估等工作模式，凡属重大问题都要按照集体领导、民主集中、个别酝酿、会议决定的原则，"
                    "由党组织会议集体讨论作出决定。",
                    "二是合理确定学校领导班子成员分工，坚持落实集体决策与民主集中制原则，按照职责分工积极主动开展工作。"
                    "集团化办学等类型的中小学校党组织要按照党组织隶属关系和办学实际，强化对成员学校、分支机构涉及党的建设、"
                    "发展改革、教育教学等方面的领导和指导。",
                    "三是加强学校领导班子政治建设，完善培养选拔、教育培训、考核评价、激励保障机制，加强任期考核，"
                    "推动学校领导班子成员履职尽责、潜心育人、清正廉洁。",
                ],
            ),
            dict(
                number=3,
                title="推动基层党建提质增效",
                intro="",
                items=[
                    "一是实施“党建+教学提质”行动，突出政治功能，优化基层党组织设置，创新基层党组织活动方式，"
                    "把铸牢中华民族共同体意识贯穿基层党组织建设和教育教学全过程。",
                    "二是实行支部共建，以年级组、学科组、教研组为单位建立党支部（党小组），严格落实党员领导干部带头听课、"
                    "评课、备课和上课“四课”制度。充分发挥党员名师工作室作用，积极推行“党员+”模式，依托党员示范课、"
                    "党员先锋岗、名师送教等方式，促进优质互动、提质发展。",
                    "三是打造“一校一品、一支部一特色”为抓手，全领域创建“北疆教育心向党”党建品牌，抓好“书记领航工程”和"
                    "“坚强堡垒模范”支部创建，组织开展“晒党建比武争星”活动，深化党团队一体化建设，推动党建工作与教育教学、"
                    "德育、思想政治工作深度融合。",
                ],
            ),
        ],
    ),
    dict(
        number=2,
        label="（二）",
        title="优化育人环境，实施改善办学条件行动",
        measures=[
            dict(
                number=4,
                title="最大化争取资金投入，推动项目建设",
                intro="",
                items=[
                    "一是加快推进全市义务教育阶段项目建设进度，助推海勃湾区和海南区2024年顺利接受义务教育优质均衡评估验收，"
                    "巩固提高乌达区义务教育优质均衡创建成果。",
                    "二是及时、足额下达义务教育薄弱环节改善与能力提升补助资金，定期调度资金支付进度，切实提高资金使用效益。",
                    "三是积极对接自治区财政厅、发改委、教育厅，争取各类项目及政策资金支持。",
                    "四是合理安排2024年教育费附加资金，重点支持中小学校设施设备更新、校舍维修改造、信息化建设等"
                    "义务教育优质均衡达标项目。",
                    "五是督促落实三区留用的教育费附加30%资金，用于支持义务教育优质均衡验收建设项目。",
                ],
            ),
        ],
    ),
    dict(
        number=3,
        label="（三）",
        title="提升保障水平，实施高素质教师队伍建设行动",
        measures=[
            dict(
                number=5,
                title="全面加强教师队伍建设",
                intro="",
                items=[
                    "一是强化市、区教育部门协同联动，进一步加大人才引进力度，扎实做好“名优特”教师选拔选聘、人才引进、"
                    "区内公开招聘等工作，着力破解学校教师不足、学历结构不合理等问题。",
                    "二是进一步加大教师培养力度，深入开展国家级、自治区级、市级、区级、校级“五级”培训。"
                    "全面实施“卓越教师培训工程”与“蓝青工程”，促进青年教师尽快成长，构建形成卓越教师、教学名师、骨干教师、"
                    "优秀教师的梯次培养体系，不断优化教师队伍结构。",
                    "三是畅通教师职称评审晋级通道，实现推动教师职称与岗位聘用的有效衔接。",
                    "四是进一步强化考核评价结果运用，扎实落实一线教师岗位绩效、教学名师岗位贡献和校长职级待遇，"
                    "有力有效保持教师队伍稳定。",
                    "五是学习借鉴周边盟市、先进地区“县管校聘”交流轮岗经验，推动各区制定出台"
                    "《中小学教师县管校聘管理改革实施方案》。",
                    "六是推动市、区骨干教师、紧缺学科教师开展校际间共培共享，有效缓解教师结构性缺编问题。",
                ],
            ),
        ],
    ),
    dict(
        number=4,
        label="（四）",
        title="赋能高质量发展，实施教学教研提质行动",
        measures=[
            dict(
                number=6,
                title="强化学校教学教研管理",
                intro="",
                items=[
                    "一是高质量落实《义务教育课程方案和课程标准（2022年版）》，把“大单元教学”“教学评一致性”等教学理念"
                    "贯穿教学始终。探索在合适的学段和学科推行项目化学习和跨学科学习。",
                    "二是持续推进《乌海市中小学教学常规》的有效落实，围绕“备、讲、辅、批、考、评、研”等基本教学环节，"
                    "着力规范教师备课、作业布置与批阅、听评课、集体备课和基础训练组织等基础教学常规，进一步提升课堂教学质量。",
                    "三是市、区两级教研部门重点围绕学校课堂教学、教师教学思考和学校教学方式转变等方面开展教学视导与"
                    "名师献课活动，进一步提升教师教学能力与学校教学水平。",
                ],
            ),
            dict(
                number=7,
                title="切实发挥教研引领指导作用",
                intro="",
                items=[
                    "一是完善市、区、校三级教研体系，建设专兼职教研队伍，逐步配齐各学段各学科专职教研员，"
                    "形成上下联动、运行高效的教研工作机制。",
                    "二是加大教师研修培训力度，常态化开展学科带头人、骨干教师、教学能手、教坛新秀等评比，"
                    "构建教师长效培养机制。",
                    "三是采用“走出去、请进来”的方式，邀请发达地区、自治区教研室、各学段各学科专家开展新课标、新教材、"
                    "新理念新一轮全覆盖培训。",
                    "四是强化集体备课制度和听评课制度的高质量落实，做好过程管理与阶段性总结，对教学成果进行整理、加工，"
                    "形成有价值教学资源，科学有效推进成果转化。",
                ],
            ),
        ],
    ),
    dict(
        number=5,
        label="（五）",
        title="强化融合发展，实施结对共建行动",
        measures=[
            dict(
                number=8,
                title="深化高、初中学校点对点共建",
                intro="",
                items=[
                    "一是建立“高中+初中”结对发展机制。市一中与市二中、三中、四中、十八中、十九中开展结对共建；"
                    "市六中与五中、八中、九中、十八中开展结对共建；市十中与十二中、十六中、乌达区实验中学开展结对共建。"
                    "三所市属普通高中分别抽调名师、骨干教师、学科带头人组建共建小组，下设语文、数学、英语、政治、物理等"
                    "5门学科的共建备课组。共建学校在教育理念、学校管理、教学科研等方面开展深入交流，通过师资共建、"
                    "教学共融等方式，推动管理、师资、教学成果等优质资源实现共享。",
                    "二是选派高中学校优秀管理人员到初中学校进行交流指导，快速导入先进管理经验和先进办学理念，"
                    "强化初中学校管理队伍建设。",
                    "三是根据高中学校艺体类招生政策和计划，各高中学校组建培养师资团队，有针对性的在初中学校提前对特长类学生"
                    "进行跟踪培养，促进初中学校优质多样化发展。",
                ],
            ),
        ],
    ),
    dict(
        number=6,
        label="（六）",
        title="促进特色发展，实施学校内涵建设提升行动",
        measures=[
            dict(
                number=9,
                title="强化体美劳教育",
                intro="",
                items=[
                    "一是根据全市各中小学校教师的专业水平和现有学校体育工作的基础，全面启动体育选课走班和中考体育改革试点工作，"
                    "着力推动全市学校体育特色、优质、多样化发展。",
                    "二是推深做细全市各中小学书法特色校建设。扩大书法教育外延，将读书分享、书香校园、中华优秀传统文化等"
                    "美育元素相融合，不断优化校园文化氛围，打造“墨香乌海”书法特色示范品牌。",
                    "三是重点加强市级劳动教育示范校建设，以劳动教育示范校为基点率先推行“劳动中成长”和“行走乌海”"
                    "特色课程体系，以点带面推动全市劳动教育向纵深发展。力争用2—3年时间，结合“一区一特色”的发展目标，"
                    "将海勃湾区打造为美育示范区、将乌达区打造为劳动教育示范区、将海南区打造为体育示范区。",
                ],
            ),
        ],
    ),
    dict(
        number=7,
        label="（七）",
        title="深化督导评估，实施教育督导评价考核行动",
        measures=[
            dict(
                number=10,
                title="加大教育督导力度",
                intro="",
                items=[
                    "一是对标对表国家关于优质均衡评估创建的指标要求，指导各区制定优质均衡发展“一县一策”“一校一策”"
                    "创建工作时间表、路线图。",
                    "二是从全市抽调骨干人员组建专家团队，围绕学校标准化建设、校园内涵建设、师资队伍建设等，"
                    "对海勃湾区、海南区中小学政府保障、资源配置、教育质量等方面逐条逐项开展评估和指导。",
                    "三是推动各中小学校成立优质均衡创建工作专班，高质量、高标准开展校内创建工作。",
                ],
            ),
            # Measure 11 has no 一是/二是 items: its whole text is the intro.
            dict(
                number=11,
                title="推进质量评价改革",
                items=[],
                intro=(
                    "对全市中小学师生进行基础数据采集，建立比对数据库，开展增值性评价，宏观层面对各区、区属学校，"
                    "微观层面对学校的每个年级、每个班级、每名任课教师、每名学生个体分别形成学业水平发展评价报告。"
                    "通过数据分析纵向比对学生个体发展水平，横向诊断学校管理、教师发展、教学质量的优秀成果和存在的问题不足，"
                    "为改进教研教学、提升教师专业水平、促进学生全面发展提供参考。"
                ),
            ),
        ],
    ),
]

# 二、总体目标
TARGETS = {
    2023: "2023年，全市义务教育阶段教育教学质量明显提升，教育结构更加优化、教育资源配置更加合理、"
    "教师队伍素质更加优良、教育公平有效促进，教育现代化取得阶段性成果。",
    2024: "2024年，各区均通过国家义务教育优质均衡督导评估验收，区际、校际差距明显缩小，"
    "实现人民群众在家门口就能享受优质教育资源的目标。",
}

# ---------------------------------------------------------------------------------------------------------------
# 四、领导小组
# ---------------------------------------------------------------------------------------------------------------

_ROSTER_INTRO = (
    "成立乌海市一体化推进全市义务教育扩优提质工作领导小组，统筹全市教育资源，协调编办、发改、财政、人社等部门，"
    "争取人、财、物的支持保障，推动全市义务教育扩优提质。"
)

ROSTER = dict(
    name="乌海市一体化推进全市义务教育扩优提质工作领导小组",
    owner="bureau",
    purpose=_ROSTER_INTRO.split("领导小组，", 1)[1],
    established_by=("乌教发", 2023, 75),
    members=[
        dict(role="组长", name="董跃飞", title="市教育局党组书记、局长", unit="bureau", description=None),
        dict(role="副组长", name="肖西田", title="市教育局党组成员、副局长，总督学", unit="bureau", description=None),
        dict(role="副组长", name="张志贤", title="市教育局党组成员、副局长", unit="bureau", description=None),
        dict(role="副组长", name="王梦云", title="市教育局党组成员、副局长", unit="bureau", description=None),
        dict(role="副组长", name="郭亚东", title="市教育局党组成员、副局长", unit="bureau", description=None),
        dict(role="副组长", name="张春萍", title="海勃湾区教育局党组书记、局长", unit="haibowan", description=None),
        dict(role="副组长", name="韩纬华", title="乌达区教育局党组书记、局长", unit="wuda", description=None),
        dict(role="副组长", name="徐恩勇", title="海南区教育局党组书记、局长", unit="hainan", description=None),
        # The members are described, not named: there is no person and no 职务.
        dict(
            role="成员",
            name=None,
            title=None,
            unit="bureau",
            description="各高中学校书记、校长、各直属单位负责人、市教育局各科室负责人",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------------------------
# Measure 8: 结对共建
# ---------------------------------------------------------------------------------------------------------------

_PAIRING_SUBJECTS = ["语文", "数学", "英语", "政治", "物理"]

# 十八中 is paired with both 市一中 and 市六中: the notice says so.
PAIRINGS = [
    dict(high="市一中", middles=["市二中", "三中", "四中", "十八中", "十九中"], subjects=list(_PAIRING_SUBJECTS)),
    dict(high="市六中", middles=["五中", "八中", "九中", "十八中"], subjects=list(_PAIRING_SUBJECTS)),
    dict(high="市十中", middles=["十二中", "十六中", "乌达区实验中学"], subjects=list(_PAIRING_SUBJECTS)),
]

# ---------------------------------------------------------------------------------------------------------------
# Lead and cooperating units per measure.
# DEMO DATA INVENTED FOR THE DEMO: the notice does not allocate its measures to units. This is a plausible
# allocation for the 任务分解表, nothing more.
# ---------------------------------------------------------------------------------------------------------------

_DISTRICTS = ["haibowan", "wuda", "hainan"]

MEASURE_LEADS = {
    1: dict(lead="personnel", cooperating=["office", *_DISTRICTS]),
    2: dict(lead="personnel", cooperating=["office", *_DISTRICTS]),
    3: dict(lead="personnel", cooperating=["teaching_research", *_DISTRICTS]),
    4: dict(lead="finance", cooperating=["basic_education", *_DISTRICTS]),
    5: dict(lead="teacher_affairs", cooperating=["personnel", "teaching_research", *_DISTRICTS]),
    6: dict(lead="basic_education", cooperating=["teaching_research", *_DISTRICTS]),
    7: dict(lead="teaching_research", cooperating=["teacher_affairs", *_DISTRICTS]),
    8: dict(lead="basic_education", cooperating=["no1_middle", "no6_middle", "no10_middle", *_DISTRICTS]),
    9: dict(lead="sports_health_arts", cooperating=["basic_education", *_DISTRICTS]),
    10: dict(lead="inspection", cooperating=["basic_education", "haibowan", "hainan"]),
    11: dict(lead="teaching_research", cooperating=["audiovisual_education", "inspection", *_DISTRICTS]),
}

# ---------------------------------------------------------------------------------------------------------------
# The distributed document's body, one paragraph per line.
# ---------------------------------------------------------------------------------------------------------------

# Where the renderer puts the roster of the leading group, taken from the database on the notice's date.
ROSTER_PLACEHOLDER = "{{roster}}"


def _measure_paragraph(measure):
    return f"**{measure['number']}.{measure['title']}。**{measure['intro']}{''.join(measure['items'])}"


MEASURES_BODY = "\n".join(
    [
        "为深入贯彻落实《乌海市委办公室 市人民政府办公室印发〈关于加快全市教育高质量发展的意见〉的通知》"
        "（乌党办发〔2022〕16号）及教育高质量发展“1+N”政策体系配套文件，加快推动全市义务教育优质均衡创建工作，"
        "实现全市义务教育扩优提质发展，特制定如下措施。",
        "一、指导思想",
        "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的教育方针，坚持立德树人根本任务，发展素质教育，"
        "持续扩大义务教育优质资源供给，加快构建学有优教的高质量义务教育体系，更好满足人民群众“上好学”的美好愿望，"
        "着力培养德智体美劳全面发展的社会主义建设者和接班人。",
        "二、总体目标",
        TARGETS[2023],
        TARGETS[2024],
        "三、推进举措",
        *(
            line
            for action in ACTIONS
            for line in [action["label"] + action["title"], *map(_measure_paragraph, action["measures"])]
        ),
        "四、领导小组",
        _ROSTER_INTRO,
        ROSTER_PLACEHOLDER,
        "五、工作要求",
        "（一）强化组织领导",
        "各区教育行政部门要切实履行好推动教育改革、提高教育质量的主体责任，把推进义务教育扩优提质工作纳入重要议事日程，"
        "压实主体责任、主动作为。对《若干措施》的执行落实实行领导挂帅、项目挂牌、成绩挂钩，对重点难点问题要强化统筹，"
        "创造性地开展工作，形成工作合力，确保各项工作举措有谋划、有部署、有落实、有成效。",
        "（二）加强督促检查",
        "市教育局将义务教育扩优提质纳入对各区年度绩效考核评价体系、纳入对学校办学综合管理评估体系。"
        "完善教育部门领导联系学校制度和任期内教育工作目标管理考核制度。健全日常调度、定期会商、信息共享、"
        "督促落实的管理机制，强化督导考核评估结果运用，对督导评估问题突出、推进不力的学校负责及相关责任人依照"
        "《教育督导问责办法》进行问责。",
        "（三）营造良好氛围",
        "加强家庭教育指导，发挥家庭教育的基础作用，引导家长树立正确的教育观、成才观，与推动教育高质量发展同向而行。"
        "持续加大信息宣传力度，主动策划宣传主题，全面宣传报道教育创新思路、特色亮点、先进典型、成功经验，"
        "不断提升社会对教育工作的理解度、支持度，营造良好教育生态。",
    ]
)

# ---------------------------------------------------------------------------------------------------------------
# The notice 乌教发〔2023〕75号
# ---------------------------------------------------------------------------------------------------------------

NOTICE = dict(
    series="乌教发",
    year=2023,
    serial=75,
    kind="文件",
    title="乌海市教育局关于印发《乌海市一体化推进全市义务教育扩优提质若干措施》的通知",
    addressee_groups=["各区教育局", "直属各学校（单位）", "局机关各科室"],
    cover_text="现将《乌海市一体化推进全市义务教育扩优提质若干措施》印发给你们，请结合实际认真贯彻执行。",
    signature_organ="乌海市教育局",
    # The seed prints neither the signing date nor the imprint date (the extraction lost them): both are assumed.
    signed_on="2023-08-15",
    imprint_organ="乌海市教育局办公室",
    imprinted_on="2023-08-15",
    cc="",
    note="",
    documents=[
        dict(title="乌海市一体化推进全市义务教育扩优提质若干措施", body=MEASURES_BODY),
    ],
)


# ---------------------------------------------------------------------------------------------------------------
# The Mongolian version of the notice (title, addressees, cover text, signature, and the measures' title and
# preamble).
# STATUS: A FIRST TRANSLATION, NOT REVIEWED. Drafted by a non-native writer from dictionaries and published
# Inner Mongolian notices; a native reader of Mongolian (ideally the bureau's own translator) must correct it
# before the bureau relies on it. The loader marks it "needs review". The bureau's name must in the end match
# its seal (a setting), not this file.
# ---------------------------------------------------------------------------------------------------------------

N = "\u202f"  # narrow no-break space, before detached case suffixes
M = "\u180e"  # Mongolian vowel separator, before a detached final a/e

# Exactly the form the project gave for 乌海市教育局.
BUREAU_MN = f"ᠦᠬᠠᠢ ᠬᠣᠲᠠ{N}ᠶᠢᠨ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ{N}ᠦᠨ ᠲᠣᠪᠴᠢᠶ{M}ᠠ"

# Inner Mongolian Mongolian-script notices end the addressee line with the Mongolian colon U+1804
# (seen on mgl.nmg.gov.cn, mgl.wlht.gov.cn, mgl.xam.gov.cn), not with "：" or ":".
ADDRESSEE_COLON = "\u1804"

_DOCUMENT_TITLE_MN = (
    f"ᠦᠬᠠᠢ ᠬᠣᠲᠠ{N}ᠶᠢᠨ ᠬᠣᠲᠠ ᠳᠠᠶᠠᠭᠠᠷ ᠠᠯᠪᠠᠯᠠᠬᠤ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ{N}ᠦᠨ ᠰᠠᠢᠨ ᠴᠢᠨᠠᠷᠲᠠᠢ ᠨᠥᠭᠡᠴᠡ{N}ᠶᠢ ᠥᠷᠭᠡᠳᠬᠡᠵᠦ "
    f"ᠴᠢᠨᠠᠷ{N}ᠢ ᠳᠡᠭᠡᠭᠰᠢᠯᠡᠭᠦᠯᠬᠦ ᠠᠵᠢᠯ{N}ᠢ ᠨᠢᠭᠡᠳᠦᠯᠲᠡᠢ{N}ᠪᠡᠷ ᠤᠷᠤᠭᠰᠢᠯᠠᠭᠤᠯᠬᠤ ᠲᠤᠬᠠᠢ ᠬᠡᠳᠦᠨ ᠠᠷᠭ{M}ᠠ ᠬᠡᠮᠵᠢᠶ{M}ᠡ"
)

NOTICE_MN = dict(
    title=f"{BUREAU_MN}{N}ᠶᠢᠨ 《{_DOCUMENT_TITLE_MN}》{N}ᠶᠢ ᠬᠡᠪᠯᠡᠨ ᠲᠠᠷᠬᠠᠭᠠᠬᠤ ᠲᠤᠬᠠᠢ ᠮᠡᠳᠡᠭᠳᠡᠯ",
    addressee_text=(
        f"ᠡᠯᠡ ᠲᠣᠭᠣᠷᠢᠭ{N}ᠤᠨ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ{N}ᠦᠨ ᠲᠣᠪᠴᠢᠶ{M}ᠠ᠂ "
        f"ᠰᠢᠭᠤᠳ ᠬᠠᠷᠢᠶ{M}ᠠ ᠡᠯᠡ ᠰᠤᠷᠭᠠᠭᠤᠯᠢ (ᠨᠢᠭᠡᠴᠡ)᠂ "
        f"ᠲᠣᠪᠴᠢᠶ{M}ᠠ{N}ᠶᠢᠨ ᠪᠠᠢᠭᠤᠯᠭ{M}ᠠ{N}ᠳᠠᠬᠢ ᠡᠯᠡ ᠬᠡᠯᠲᠡᠰ ᠲᠠᠰᠤᠭ{N}ᠲᠤ{ADDRESSEE_COLON}"
    ),
    cover_text=(
        f"ᠡᠳᠦᠭᠡ 《{_DOCUMENT_TITLE_MN}》{N}ᠶᠢ ᠲᠠᠨᠠᠷ{N}ᠲᠤ ᠬᠡᠪᠯᠡᠨ ᠲᠠᠷᠬᠠᠭᠠᠯᠠ᠂ "
        f"ᠪᠣᠳᠠᠲᠤ ᠪᠠᠢᠳᠠᠯ{N}ᠲᠠᠢ ᠤᠶᠠᠯᠳᠤᠭᠤᠯᠤᠨ ᠬᠢᠨᠠᠮᠠᠭᠠᠢ ᠲᠤᠭᠤᠰᠢᠯᠠᠭᠤᠯᠤᠨ ᠬᠡᠷᠡᠭᠵᠢᠭᠦᠯᠲᠦᠭᠡᠢ᠃"
    ),
    signature_organ=BUREAU_MN,
    document_title=_DOCUMENT_TITLE_MN,
    preamble=(
        f"《ᠦᠬᠠᠢ ᠬᠣᠲᠠ{N}ᠶᠢᠨ ᠨᠠᠮ{N}ᠤᠨ ᠬᠣᠷᠢᠶ{M}ᠠ{N}ᠶᠢᠨ ᠠᠯᠪᠠᠨ ᠲᠠᠰᠤᠭ᠂ "
        f"ᠬᠣᠲᠠ{N}ᠶᠢᠨ ᠠᠷᠠᠳ{N}ᠤᠨ ᠵᠠᠰᠠᠭ{N}ᠤᠨ ᠭᠠᠵᠠᠷ{N}ᠤᠨ ᠠᠯᠪᠠᠨ ᠲᠠᠰᠤᠭ{N}ᠤᠨ "
        f"〈ᠬᠣᠲᠠ ᠳᠠᠶᠠᠭᠠᠷ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ{N}ᠦᠨ ᠥᠨᠳᠥᠷ ᠴᠢᠨᠠᠷᠲᠠᠢ ᠬᠥᠭᠵᠢᠯ{N}ᠢ ᠲᠦᠷᠭᠡᠳᠬᠡᠬᠦ ᠲᠤᠬᠠᠢ ᠰᠠᠨᠠᠯ〉{N}ᠢ "
        f"ᠬᠡᠪᠯᠡᠨ ᠲᠠᠷᠬᠠᠭᠠᠬᠤ ᠲᠤᠬᠠᠢ ᠮᠡᠳᠡᠭᠳᠡᠯ》（乌党办发〔2022〕16号） "
        f"ᠪᠠ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ{N}ᠦᠨ ᠥᠨᠳᠥᠷ ᠴᠢᠨᠠᠷᠲᠠᠢ ᠬᠥᠭᠵᠢᠯ{N}ᠦᠨ “1+N” ᠪᠣᠳᠤᠯᠭ{M}ᠠ{N}ᠶᠢᠨ ᠲᠣᠭᠲᠠᠯᠴᠠᠭ{M}ᠠ{N}ᠶᠢᠨ "
        f"ᠳᠡᠮᠵᠢᠯᠭᠡ ᠪᠢᠴᠢᠭ ᠪᠠᠷᠢᠮᠲᠠ{N}ᠶᠢ ᠭᠦᠨᠵᠡᠭᠡᠢ ᠲᠤᠭᠤᠰᠢᠯᠠᠭᠤᠯᠤᠨ ᠨᠠᠢᠳᠠᠪᠤᠷᠢᠵᠢᠭᠤᠯᠵᠤ᠂ "
        f"ᠬᠣᠲᠠ ᠳᠠᠶᠠᠭᠠᠷ ᠠᠯᠪᠠᠯᠠᠬᠤ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ{N}ᠦᠨ ᠰᠠᠢᠨ ᠴᠢᠨᠠᠷᠲᠠᠢ ᠲᠡᠩᠴᠡᠭᠦᠷᠢ{N}ᠶᠢ ᠪᠠᠢᠭᠤᠯᠬᠤ ᠠᠵᠢᠯ{N}ᠢ "
        f"ᠲᠦᠷᠭᠡᠳᠬᠡᠨ ᠤᠷᠤᠭᠰᠢᠯᠠᠭᠤᠯᠵᠤ᠂ "
        f"ᠬᠣᠲᠠ ᠳᠠᠶᠠᠭᠠᠷ ᠠᠯᠪᠠᠯᠠᠬᠤ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ{N}ᠦᠨ ᠰᠠᠢᠨ ᠴᠢᠨᠠᠷᠲᠠᠢ ᠨᠥᠭᠡᠴᠡ{N}ᠶᠢ ᠥᠷᠭᠡᠳᠬᠡᠵᠦ ᠴᠢᠨᠠᠷ{N}ᠢ "
        f"ᠳᠡᠭᠡᠭᠰᠢᠯᠡᠭᠦᠯᠬᠦ ᠬᠥᠭᠵᠢᠯ{N}ᠢ ᠪᠣᠳᠠᠲᠤ ᠪᠣᠯᠭᠠᠬᠤ{N}ᠶᠢᠨ ᠲᠥᠯᠥᠭᠡ "
        f"ᠳᠣᠣᠷᠠᠬᠢ ᠠᠷᠭ{M}ᠠ ᠬᠡᠮᠵᠢᠶ{M}ᠡ{N}ᠶᠢ ᠲᠤᠰᠬᠠᠢᠯᠠᠨ ᠲᠣᠭᠲᠠᠭᠠᠪᠠ᠃"
    ),
)
