"""What a metric measures: its ``kind``, ``stage`` and canonical ``measure`` key (docs/MEASURES.md).

``category`` says what a metric is about (hazard, inspection, …) and ``subject`` says it in free text; the
measure says what may be added to what. Three things are read from the metric and the words around it:

- the **dimension**, from the measure word: a plain count (处 家 个 项 起 人 …), a count of visits
  (人次 家次 户次 …: ``_times``), money (元: ``_yuan``), a physical amount (公里 ``_km``, 平方米 ``_m2``, 亩
  ``_mu``, 公顷 ``_ha``, 吨 ``_t`` …), a percentage (``_pct``) or per mille (``_permille``), and whether the
  number is a change (同比下降, 较上年减少, 增长: ``_change``) or an average (平均, X个/队次: ``_avg``);
- the **stage**, from the verb: found, rectified, pending, inspected, deployed, … (the closed list
  :data:`STAGES`), else the category's default;
- the **object**, from the counted noun and the measure word: hazards, enterprises, people, teams, … (the
  closed list :data:`OBJECTS`).

The key is ``{object}_{stage}{suffix}`` (``hazards_found``, ``enterprises_inspected_times``,
``people_trained_times``, ``hazards_rectified_pct``), except for objects that carry their stage:
``accidents``, ``deaths``, ``injuries``, ``missing``, ``fines_yuan``, ``funds_yuan``, ``losses_yuan`` (and
their ``_change`` / ``_pct`` forms). Two metrics may be summed exactly when their measure keys are equal;
the ``kind`` (count / amount / rate / change) follows from the key, except that a breakdown of a total
before it (其中道路交通事故18起 after 发生事故22起) is of kind ``part`` and is not summed with the totals.

Rules only, no model: cue words of the verb and the noun, measured against the hand-assigned stage and
measure of 407 gold metrics in ``corpora/metric_measures.tsv`` (:func:`measure_scores`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("count", "amount", "rate", "change", "part")

STAGES = {  # the closed list of stages, by the category they belong to (a metric of another category may use them)
    "hazard": ("found", "rectified", "pending", "supervised", "existing"),
    "inspection": ("inspected", "deployed", "conducted"),
    "enforcement": ("filed", "punished", "fined", "closed", "interviewed", "accountable", "demolished"),
    "accident": ("occurred", "died", "injured", "missing", "lost", "damaged", "affected", "relocated", "relieved"),
    "meeting": ("held", "attended"),
    "training": ("trained", "drilled", "publicized", "examined"),
    "document": ("issued",),
    "resource": ("invested", "deployed", "stocked", "built", "existing"),
    "responsibility": ("signed", "assigned"),
    "scope": ("covered", "existing"),
    "other": ("other",),
}
ALL_STAGES = tuple(dict.fromkeys(s for ss in STAGES.values() for s in ss))

OBJECTS = ("hazards", "major_hazards", "accidents", "deaths", "injuries", "missing", "losses", "fines", "funds",
           "cases", "enterprises", "households", "people", "teams", "places", "sectors", "projects", "facilities",
           "equipment", "vehicles", "buildings", "area", "materials", "documents", "meetings", "trainings", "drills",
           "events", "inspections", "tasks", "agreements", "items", "other")
SELF_STAGED = {"accidents": "occurred", "deaths": "died", "injuries": "injured", "missing": "missing",
               "losses": "lost", "fines": "fined", "funds": "invested"}

# -- the dimension ------------------------------------------------------------------------------------------

PHYSICAL = {"公里": "km", "千米": "km", "延米": "m", "米": "m", "平方米": "m2", "平方公里": "km2", "亩": "mu",
            "公顷": "ha", "吨": "t", "公斤": "kg", "千克": "kg", "立方米": "m3", "工": "days", "工日": "days", "天": "days"}
PERSONS = frozenset("人 名 位".split())
VISITS = frozenset("人次 家次 户次 条次 车次 辆次 艘次 台次 处次 队次 组次 架次 批次".split())
EVENTS = frozenset("次 场 场次 期 轮 轮次 批 届".split())
PCT_UNITS = ("%", "％", "‰", "百分点", "个百分点")
CHANGE = re.compile(r"同比|环比|较上年|较去年|比上年|比去年|较.{0,6}同期|比.{0,6}同期|下降|上升|降幅|增幅|增长|减少|增加|"
                    r"降低|提高|回落|持平|双下降")
AVG = re.compile(r"平均|人均|户均|/")


@dataclass(frozen=True)
class Measure:
    kind: str  # count | amount | rate | change (| part, a breakdown: set over a document's metrics)
    stage: str
    measure: str


def suffix_of(unit: str, text: str, after: str = "") -> str:
    """The dimension part of the key: '', _times, _yuan, _km …, _pct, _permille, with _change / _avg."""
    change = bool(CHANGE.search(text))
    if unit in ("%", "％", "百分点", "个百分点"):
        return "_change_pct" if change else "_pct"
    if unit == "‰":
        return "_change_permille" if change else "_permille"
    base = ("_yuan" if unit == "元" else f"_{PHYSICAL[unit]}" if unit in PHYSICAL
            else "_times" if unit in VISITS else "")
    if change:
        return "_change" + base
    if AVG.search(text) or after.startswith("/"):
        return base + "_avg"
    return base


def kind_of(measure: str) -> str:
    """count / amount / rate / change, from a measure key."""
    if "_change" in measure:
        return "change"
    if measure.endswith(("_pct", "_permille", "_avg")):
        return "rate"
    if measure.endswith(tuple("_" + s for s in set(PHYSICAL.values()) | {"yuan"})):
        return "amount"
    return "count"


# -- the stage ----------------------------------------------------------------------------------------------

# (stage, cue) in order: the first cue found in the verb part decides
STAGE_CUES: tuple[tuple[str, str], ...] = (
    ("pending", r"未整改|尚未|正在.{0,4}整改|剩余|待完成|未完成|仍有|逾期未|其余|尚有"),
    ("supervised", r"挂牌督办(?!函)|挂牌"),
    ("occurred", r"起数|事故数|肇事数|发生.{0,8}(?:事故|火灾|火情|火警)"),
    ("died", r"死亡|遇难|亡人数|身亡"),
    ("injured", r"受伤|伤者"),
    ("missing", r"失踪"),
    ("lost", r"损失"),
    ("fined", r"罚款|罚没|经济处罚|罚金"),
    ("closed", r"停产|停业|关闭|取缔|查封|关停|停工|扣押|退出"),
    ("demolished", r"拆除|违法建设|违建|拆违"),
    ("interviewed", r"约谈"),
    ("accountable", r"问责|追责|责任追究"),
    ("filed", r"立案(?!处罚)"),
    ("punished", r"处罚|查处|查获|处理|惩戒|移送"),
    ("drilled", r"演练|演习"),
    ("relocated", r"转移|安置|疏散|避险|撤离"),
    ("relieved", r"救助|救济|慰问"),
    ("damaged", r"倒塌|损坏|受损|过火|受害|毁|受灾.{0,4}面积|受灾森林"),
    ("affected", r"受灾|影响"),
    ("signed", r"签订|签署|责任书|承诺书"),
    ("assigned", r"包联|包保|分解|确定.{0,6}任务|明确.{0,6}责任"),
    ("examined", r"考试|考核(?!指标)"),
    ("attended", r"参加|参会|到会|出席|发言|参赛|列席|与会"),
    ("trained", r"培训|教育"),
    ("publicized", r"宣传|发放.{0,8}(?:资料|手册|年画|彩页|信|品)|横幅|标语|张贴|悬挂|展板|宣传栏|广告|空飘|拱门"),
    ("held", r"会议|召开|常务会|常委会|专题会|调度会|部署会|联席会|传达学习|汇报"),
    ("issued", r"印发|制定|修订|制修订|出台|下达|下发|发出|编制|预案|文书|通知书"),
    ("found", r"排查.{0,3}整[改治]|排查并整[改治]"),
    ("rectified", r"整改|消除|清理|销号|淘汰|治理(?!.{0,3}隐患排查)|化解|清零|清除|解决|验收"),
    ("found", r"发现|查出|排查出|查找|指出|反馈|收集|存在|暴露|梳理|排查(?=.{0,8}(?:隐患|问题))"),
    ("deployed", r"出动|派出|派|组成|组建|成立|抽调|配齐|配备|安排.{0,4}人员|队员|聘用|聘请|邀请|分成"),
    ("inspected", r"检查|抽查|督查|督导|巡查|暗访|体检|评估|核查|检测|查看|执法|走访|复查|排查"),
    ("stocked", r"储备|购置|采购|配发|增储|购买"),
    ("built", r"新建|建成|建设|安装|加装|改造|增设|设置|配建|完成.{0,6}工程|投用|建立|更换|修缮"),
    ("invested", r"资金|经费|投入|投资|拨付|列支|预算|奖金|奖励|补助|补贴"),
    ("covered", r"覆盖|涵盖|涉及|范围|对象|全覆盖"),
    ("existing", r"现有|共有|拥有|保有|境内|辖|存量|在建|在用|有"),
)
EXISTING = re.compile(r"现有|共有|拥有|保有|境内|辖.{0,3}有|存量|全?[县区市镇乡]有")
_STAGE_RES = tuple((s, re.compile(c)) for s, c in STAGE_CUES)

CATEGORY_DEFAULT = {"hazard": "found", "major_hazard": "found", "inspection": "inspected",
                    "enforcement": "punished", "accident": "occurred", "meeting": "held", "training": "trained",
                    "document": "issued", "resource": "deployed", "responsibility": "signed", "scope": "existing",
                    "other": "other"}

# -- the object ---------------------------------------------------------------------------------------------

OBJECT_CUES: tuple[tuple[str, str], ...] = (
    ("major_hazards", r"重大.{0,2}隐患|重大危险源"),
    ("hazards", r"隐患|问题|险情|险点|隐患点|违规|违章|安全员未|不合格"),
    ("teams", r"[检督巡暗核专工联]\S{0,4}组|[个支]组|分队|队伍|救援队(?!员)|扑火队(?!员)|小分队|专班|突击队"),
    ("documents", r"预案|文件|文书|通知书|方案|通报|函|(?<!责)令|制度|报告|清单|台账"),
    ("materials", r"资料|手册|横幅|标语|宣传栏|年画|一封信|广告|彩页|空飘|拱门|海报|展板|宣传品|宣传用品|短信|挂图|宣传册"),
    ("agreements", r"责任书|承诺书|协议"),
    ("projects", r"项目|工程(?!师)|工地"),
    ("vehicles", r"车辆|电动自行车|电动车|汽车|车$|摩托车"),
    ("equipment", r"报警器|报警装置|探测器|装置|设备|救生衣|编织袋|冲锋舟|物资|灭火机|灭火器|器材|机具|帐篷|"
                  r"折叠床|监控|喷淋|工具|沙袋|橡皮艇|发电机|照明"),
    ("facilities", r"水库|桥|堤|消防站|消火栓|充电|车位|端口|蓄水池|储备点|储备库|管网|管道|道路|公路|防护栏|护栏|"
                   r"设施|山塘|河道|水源|站点|避难场所|广播|塘坝|闸|泵站|路段|尾矿库|排口|道口|护坡"),
    ("buildings", r"房屋|危房|自建房|楼|建筑(?!施工)|违建|栋|出租屋|民房"),
    ("sectors", r"行业|领域"),
    ("places", r"乡镇|镇|街道|村|社区|县|片区|园区|区域|地区|网格|乡"),
    ("enterprises", r"企业|单位|委员会|场所|门店|商户|经营户|网吧|学校|医院|小区|机构|部门|出租|食堂|餐饮|市场|加油站|"
                    r"商场|酒店|宾馆|养老|幼儿园|厂|公司|店|站|矿|作坊|窝点"),
    ("tasks", r"任务|指标|措施|事项|目标|工作"),
)
_OBJECT_RES = tuple((o, re.compile(c)) for o, c in OBJECT_CUES)
EVENT_OBJECT = {"held": "meetings", "trained": "trainings", "drilled": "drills", "publicized": "events",
                "inspected": "inspections", "conducted": "inspections", "deployed": "teams"}
ACCIDENT_WORDS = re.compile(r"事故|火灾|火情|火警|险情|灾害|伤亡|案")
MONEY_OBJECT = {"fined": "fines", "lost": "losses", "invested": "funds"}
AREA_UNITS = frozenset("亩 公顷 平方米 平方公里".split())


EVENT_MEASURE = {"meetings": "meetings_held", "trainings": "trainings_held", "drills": "drills_held",
                 "events": "events_held", "inspections": "inspections_conducted"}
HAZARD_STAGES = ("found", "rectified", "pending", "supervised")
HAZARD_UNITS = frozenset("处 条 项 个 户 栋 座 件 宗".split())


def _noun_object(words: str) -> str | None:
    """The object whose cue ends nearest the end of ``words`` (the counted noun is the subject's last)."""
    best, best_end = None, -1
    for obj, rx in _OBJECT_RES:
        for m in rx.finditer(words):
            if m.end() > best_end:
                best, best_end = obj, m.end()
    return best


def _object(stage: str, unit: str, subject: str, raw: str, category: str) -> str:
    hazard = "major_hazards" if category == "major_hazard" or re.search(r"重大.{0,2}隐患", subject) else "hazards"
    if unit == "元":
        return MONEY_OBJECT.get(stage, "losses" if category == "accident" else "fines" if category == "enforcement"
                                else "funds")
    if stage in ("died", "injured", "missing", "lost"):
        return {"died": "deaths", "injured": "injuries", "missing": "missing", "lost": "losses"}[stage]
    if stage == "occurred" and (unit in ("起", "宗", "次", "%", "‰") or ACCIDENT_WORDS.search(subject)):
        return "accidents"
    if stage == "damaged" and unit in ("%", "‰"):
        return "area"
    if unit in PERSONS or unit in ("人次", "工", "工日"):
        return "people"
    if unit in ("队次", "组次"):
        return "teams"
    if unit in ("起", "件", "宗", "次") and stage in ("filed", "punished"):
        return "cases"
    if stage == "signed":
        return "agreements"
    if unit in ("辆", "辆次"):
        return "vehicles"
    if unit == "户" and (stage in ("relocated", "relieved", "affected", "damaged")
                        or re.search(r"群众|居民|农户|村民|家庭|人口|灾民|困难|贫困|住户|用户", subject)):
        return "households"
    if unit in AREA_UNITS:
        return "buildings" if stage == "demolished" or re.search(r"违建|违法建设|房屋", subject) else "area"
    if unit in PHYSICAL and PHYSICAL[unit] in ("km", "m"):
        return "facilities"
    if unit in ("间", "幢"):
        return "buildings"
    if unit in ("家", "家次") and stage not in HAZARD_STAGES[1:]:
        return "enterprises"
    noun = _noun_object(subject) or _noun_object(raw)
    if noun == "teams" and unit in ("个", "支", "组", "队次", "批"):
        return "teams"
    if stage in HAZARD_STAGES and unit in HAZARD_UNITS and noun not in ("documents", "materials", "teams", "tasks"):
        return hazard
    if unit in EVENTS and stage in EVENT_OBJECT and stage != "deployed":
        return EVENT_OBJECT[stage]
    if noun in ("hazards", "major_hazards"):
        if unit in ("家", "个", "所") and stage not in HAZARD_STAGES:
            return "enterprises" if "企业" in subject else hazard
        return hazard
    if noun:
        return noun
    if category in ("hazard", "major_hazard") or stage in HAZARD_STAGES:
        return hazard
    if stage in ("closed", "inspected", "interviewed", "punished") and unit in ("处", "个", "户", "家", "家次"):
        return "enterprises"
    if unit in ("家", "家次", "户次", "所", "户"):
        return "enterprises"
    if category == "accident" and unit == "起":
        return "accidents"
    if stage == "inspected" and unit in PCT_UNITS:
        return "enterprises"  # 检查覆盖率, 抽查比例: of the units inspected
    if category == "other":
        return "other"
    return "items"


def _cue_stage(words: str, category: str) -> str | None:
    for stage, rx in _STAGE_RES:
        if rx.search(words):
            if stage in ("existing", "covered") and category not in ("resource", "other", "major_hazard"):
                continue
            return stage
    return None


def _stage(words: str, unit: str, category: str, before: str = "", raw: str = "", after: str = "") -> str:
    """The stage: the verb of the raw (the shortest stretch holding the number) first, then of the raw with
    the words right after the number (责令56家停产停业整顿), then of the subject, else the category's default."""
    if category == "scope":
        return "existing" if EXISTING.search(words + before[-16:]) else "covered"
    for text in (raw, raw + after, words):
        got = _cue_stage(text, category) if text else None
        if got is not None:
            return got
    if category == "accident":
        return "died" if unit in PERSONS else "occurred"
    if category == "resource" and unit == "元":
        return "invested"
    if category == "enforcement" and unit == "元":
        return "fined"
    if category == "training" and unit in ("份", "张", "条", "册", "本", "幅", "块"):
        return "publicized"
    return CATEGORY_DEFAULT.get(category, "other")


def _clause(before: str) -> str:
    """The last clause of the words before the number (after its last comma or semicolon)."""
    return re.split(r"[,，;；:：]", before)[-1][-30:]


def assign(subject: str, category: str, unit: str, raw: str = "", before: str = "", after: str = "") -> Measure:
    """The kind, stage and measure of one metric.

    Args:
        subject, category, unit, raw: the metric's (SPEC §6).
        before: the words of the sentence before the metric (同比分别下降 25%、30%: the raw of the second is the
            number alone); after: the text right after the metric, up to its clause's end (``/队次`` makes it an
            average; 责令56家停产停业整顿: the verb comes after the number).
    """
    words = f"{subject}{raw}"
    suffix = suffix_of(unit, raw + _clause(before) + (subject if _bare(raw, after) else ""), after)
    rest = re.split(r"[,，;；。、:：(（]", after, maxsplit=1)[0][:8]
    stage = _stage(words, unit, category, before, raw, rest)
    if stage == "other" and category == "other" and unit not in ("%", "‰"):
        stage = _stage(words + _clause(before), unit, "other")
    obj = _object(stage, unit, subject, raw, category)
    if obj in ("teams",) and stage not in ("attended",):
        stage = "deployed"
    if stage == "held" and obj in ("people", "places", "enterprises"):
        stage = "attended"  # the people or units at a meeting
    if stage == "deployed" and obj == "equipment":
        stage = "stocked"
    if stage == "deployed" and obj == "facilities":
        stage = "built"
    if stage == "invested" and obj == "people":
        stage = "deployed"  # 投入人工3863工
    if obj == "inspections" and stage == "inspected":
        stage = "conducted"
    if obj == "other" or stage == "other":
        measure = "other" + suffix
        return Measure(kind_of(measure), "other" if obj == "other" else stage, measure)
    if obj in SELF_STAGED:
        stage = SELF_STAGED[obj]
        measure = obj + suffix
    elif obj in EVENT_MEASURE and suffix in ("", "_change"):
        measure = EVENT_MEASURE[obj] + suffix
    else:
        measure = f"{obj}_{stage}{suffix}"
    return Measure(kind_of(measure), stage, measure)


def context(text: str, span: tuple[int, int]) -> tuple[str, str]:
    """The sentence's words before a span and the few characters after it."""
    s, e = (max(0, min(span[0], len(text))), max(0, min(span[1], len(text))))
    start = s
    while start > 0 and text[start - 1] not in "。；;！!？?\n" and s - start < 60:
        start -= 1
    return text[start:s], text[e:e + 12]


def measure_metric(m, text: str = ""):
    """A Metric with ``kind``, ``stage`` and ``measure`` filled from its words and ``text`` (the document's)."""
    return measure_metrics([m], text)[0]


SUFFIXES = re.compile(r"(?:_change)?(?:_times|_yuan|_pct|_permille|_avg|_" + "|_".join(sorted(set(PHYSICAL.values())))
                      + r")?$")
SENTENCE_END = "。！!？?\n"


def base_of(measure: str) -> str:
    """The measure without its dimension: accidents_change → accidents, losses_change_yuan → losses."""
    return SUFFIXES.sub("", measure) if measure else measure


def _bare(raw: str, after: str) -> bool:
    """A number whose own words name nothing (同比减少 8 起, 下降 14.29%): what it counts is the metric before."""
    words = re.sub(r"[\d.,，、%‰\s]|[约近余多]|同比|环比|较上年|较去年|比上年|比去年|分别|依次|下降|上升|减少|增加|增长|降幅|增幅|"
                   r"降低|提高|回落", "", raw or "")
    return len(words) <= 2


def measure_metrics(ms, text: str = "") -> list:
    """Metrics with ``kind``, ``stage`` and ``measure`` filled (see :func:`assign`), in one pass over a
    document's metrics so that a bare change or share takes what it counts from the metric before it in its
    sentence: 发生事故 48 起,同比减少 8 起,下降 14.29% → accidents, accidents_change, accidents_change_pct;
    after 分别 / 依次, the k-th rate takes the k-th of the counts before (发生事故13起、死亡11人,同比分别下降
    18.8%、15.4%)."""
    from dataclasses import replace

    out = []
    bare = []
    for m in ms:
        before, after = context(text, tuple(m.span)) if text and m.span else ("", "")
        got = assign(m.subject or "", m.category or "other", m.unit or "", m.raw or "", before, after)
        out.append(replace(m, kind=got.kind, stage=got.stage, measure=got.measure))
        bare.append(bool(text) and bool(m.span) and got.kind in ("change", "rate") and _bare(m.raw, after))
    if not text:
        return out
    import bisect

    order = [i for i in sorted(range(len(out)), key=lambda i: tuple(out[i].span or (0, 0))) if out[i].span]
    starts = [out[i].span[0] for i in order]
    for n, i in enumerate(order):
        m = out[i]
        if not bare[i]:
            continue
        s = m.span[0]
        start = _sentence_start(text, s)
        end = _sentence_end(text, s)
        prev = [out[j] for j in order[bisect.bisect_left(starts, start):n]]
        if m.unit in PCT_UNITS:
            counts = [p for p in prev if p.unit not in PCT_UNITS and p.kind != "rate" and base_of(p.measure) != "other"]
            source = counts[-1] if counts else None
            each = None
            for w in re.finditer(r"分别|依次", text[start:s]):
                each = start + w.start()
            if each is not None:
                run = [j for j in order[bisect.bisect_left(starts, each):bisect.bisect_left(starts, end)]
                       if bare[j] and out[j].unit == m.unit]
                group = _last_run([p for p in counts if p.span[0] < each and p.kind != "change"], text)
                if i in run and group and len(group) >= len(run):
                    source = group[len(group) - len(run) + run.index(i)]
        else:
            same = [p for p in prev if p.unit == m.unit and p.kind in ("count", "amount")]
            source = same[-1] if same else None
        if source is None or base_of(source.measure) == "other":
            continue
        suffix = suffix_of(m.unit, "同比" if m.kind == "change" else "", "")
        measure = base_of(source.measure) + suffix
        out[i] = replace(m, stage=source.stage, measure=measure, kind=kind_of(measure))
    return _parts(out, order, starts, text)


#: what opens a breakdown of the total before it: 其中 (道路交通事故18起), 含 / 包括 are not (they list kinds)
OF_WHICH = re.compile(r"其中")


def _parts(out: list, order: list[int], starts: list[int], text: str) -> list:
    """Breakdowns marked: a count or amount after 其中 (in its clause, up to ；) whose measure a count or amount before the 其中 in
    its sentence (or, when the sentence opens with 其中, in the sentence before) has is a part of that total
    (发生事故22起、死亡15人，其中道路交通事故18起、死亡12人 → 18 and 12 are parts): kind ``part``, never
    summed with the totals (docs/MEASURES.md)."""
    import bisect
    from dataclasses import replace

    summable = ("count", "amount")
    for n, i in enumerate(order):
        m = out[i]
        if m.kind not in summable or not m.measure:
            continue
        s = m.span[0]
        start = _sentence_start(text, s)
        cue = None
        for w in OF_WHICH.finditer(text, start, s):
            cue = w.start()
        if cue is None or re.search(r"[；;]", text[cue:s]):  # a breakdown ends at its clause's ；
            continue
        lo = start
        if not text[start:cue].strip(" \t，,：:"):  # 。其中，…: the total is in the sentence before
            lo = _sentence_start(text, max(start - 1, 0)) if start > 0 else start
        before = order[bisect.bisect_left(starts, lo):n]
        if any(out[j].span[0] < cue and out[j].measure == m.measure and out[j].kind in summable for j in before):
            out[i] = replace(m, kind="part")
    return out


#: how far a sentence is looked for around a number (a text without punctuation stays linear)
SENTENCE_REACH = 400


def _sentence_start(text: str, pos: int) -> int:
    lo = max(0, pos - SENTENCE_REACH)
    return max(max(text.rfind(c, lo, pos) for c in SENTENCE_END) + 1, lo)


def _sentence_end(text: str, pos: int) -> int:
    hi = min(len(text), pos + SENTENCE_REACH)
    ends = [e for e in (text.find(c, pos, hi) for c in SENTENCE_END) if e >= 0]
    return min(ends) if ends else hi


def _last_run(counts: list, text: str) -> list:
    """The counts of the last enumeration before a 分别: those joined by 、 , 和 and their words."""
    if not counts:
        return []
    run = [counts[-1]]
    for p in reversed(counts[:-1]):
        gap = text[p.span[1]:run[0].span[0]]
        if len(gap) > 16 or re.search(r"[。；;]", gap):
            break
        run.insert(0, p)
    return run


# -- measuring against the gold -----------------------------------------------------------------------------


def load_gold(path) -> list[dict]:
    """The rows of ``corpora/metric_measures.tsv`` (comment lines start with #)."""
    import csv
    from pathlib import Path

    lines = [ln for ln in Path(path).read_text("utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def measure_scores(path, corpora_root=None, half: str | None = None) -> dict:
    """Stage, measure and kind accuracy of :func:`assign` on the gold rows (``half``: 'A', 'B' or all).

    The category, subject and raw are the gold metric's (from its gold file, found under ``corpora_root``,
    default the TSV's folder); ``before`` is the sentence's words before the raw.
    """
    import json
    from pathlib import Path

    root = Path(corpora_root) if corpora_root else Path(path).parent
    rows = [r for r in load_gold(path) if half is None or r["half"] == half]
    golds: dict[str, list] = {}
    n = ok_stage = ok_measure = ok_kind = 0
    misses = []
    for r in rows:
        if r["doc"] not in golds:
            golds[r["doc"]] = json.loads((root / f"{r['doc']}.gold.json").read_text("utf-8"))["metrics"]
        gm = golds[r["doc"]][int(r["metric"])]
        sent, raw = r["sentence"], "".join((gm.get("raw") or "").split())
        p = sent.find(raw) if raw else -1
        before = sent[:p] if p >= 0 else ""
        after = sent[p + len(raw):p + len(raw) + 12] if p >= 0 else ""
        got = assign(gm["subject"], gm["category"], gm["unit"], raw, before, after)
        n += 1
        ok_stage += got.stage == r["stage"]
        ok_measure += got.measure == r["measure"]
        ok_kind += got.kind == kind_of(r["measure"])
        if got.measure != r["measure"] or got.stage != r["stage"]:
            misses.append((r["doc"], r["metric"], gm["subject"], gm["unit"], r["stage"], r["measure"], got.stage,
                           got.measure))
    return {"n": n, "stage": ok_stage / n if n else 0.0, "measure": ok_measure / n if n else 0.0,
            "kind": ok_kind / n if n else 0.0, "misses": misses}



def measure_scores_extracted(path, extract, corpora_root=None, half: str | None = None) -> dict:
    """Like :func:`measure_scores`, end to end: each gold row's document is run through ``extract``
    (``pipeline.extract``) and the row is compared with the extracted metric of the same value and measure
    word (the nearest raw when several); rows whose metric the extractor missed are counted apart
    (``missed``)."""
    import json
    from pathlib import Path

    root = Path(corpora_root) if corpora_root else Path(path).parent
    rows = [r for r in load_gold(path) if half is None or r["half"] == half]
    docs: dict[str, list] = {}
    n = ok_stage = ok_measure = missed = 0
    for r in rows:
        if r["doc"] not in docs:
            docs[r["doc"]] = list(extract(root / f"{r['doc']}.txt").metrics)
        gm = json.loads((root / f"{r['doc']}.gold.json").read_text("utf-8"))["metrics"][int(r["metric"])]
        raw = "".join((gm.get("raw") or "").split())
        cands = [m for m in docs[r["doc"]] if m.unit == gm["unit"] and (
            (m.value is None and gm["value"] is None) or
            (m.value is not None and gm["value"] is not None and round(m.value, 2) == round(gm["value"], 2)))]
        if not cands:
            missed += 1
            continue
        best = max(cands, key=lambda m: len(set("".join(m.raw.split())) & set(raw)))
        n += 1
        ok_stage += best.stage == r["stage"]
        ok_measure += best.measure == r["measure"]
    return {"n": n, "missed": missed, "stage": ok_stage / n if n else 0.0, "measure": ok_measure / n if n else 0.0}


__all__ = ["ALL_STAGES", "KINDS", "Measure", "OBJECTS", "STAGES", "assign", "base_of", "context", "kind_of",
           "measure_metric", "measure_metrics", "measure_scores", "measure_scores_extracted"]
