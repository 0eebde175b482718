"""Write a small presentation with LibreOffice Impress through UNO and save it as .ppt (binary PowerPoint).

    /usr/bin/python3 tests/data/sheets/lo_slides.py tests/data/sheets/slides_plan.dps   # needs python3-uno

slides_plan.dps is that .ppt under WPS Presentation's extension (WPS saves .dps in the
same binary format; no WPS is available here to save a native one).
"""
import os, subprocess, sys, time, tempfile
import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.awt import Point, Size

def prop(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p

dst = sys.argv[1]
SLIDES = [
    ("2024年安全生产重点工作安排", ["区安全生产委员会办公室", "2024年1月"]),
    ("一、重点任务", ["1.开展危险化学品企业专项检查。(牵头单位:区应急管理局;配合单位:区公安分局;完成时限:6月底前)",
                      "2.组织燃气安全隐患排查整治。(牵头单位:区住建局;完成时限:9月30日前)"]),
    ("二、工作要求", ["各街道要于每月25日前将工作进展报送区安委办。"]),
]
tmp = tempfile.mkdtemp()
port = 2002 + os.getpid() % 1000
proc = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{tmp}/p", "--headless", "--invisible", "--norestore",
                         f"--accept=socket,host=127.0.0.1,port={port};urp;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"); break
        except Exception:
            time.sleep(0.5)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL("private:factory/simpress", "_blank", 0, (prop("Hidden", True),))
    pages = doc.getDrawPages()
    while pages.getCount() < len(SLIDES):
        pages.insertNewByIndex(pages.getCount() - 1)
    for i, (title, lines) in enumerate(SLIDES):
        page = pages.getByIndex(i)
        for k, text in enumerate([title, "\n".join(lines)]):
            shape = doc.createInstance("com.sun.star.drawing.TextShape")
            shape.setPosition(Point(1000, 1000 + k * 3000))
            shape.setSize(Size(24000, 2500 if k == 0 else 12000))
            page.add(shape)
            shape.setString(text)
    doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)), (prop("FilterName", "MS PowerPoint 97"),))
    doc.close(True)
    try: desktop.terminate()
    except Exception: pass
finally:
    try: proc.wait(timeout=20)
    except Exception: proc.kill()
