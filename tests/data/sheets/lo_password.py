"""Save a document with a password through LibreOffice's UNO API (``--convert-to`` takes no password).

    /usr/bin/python3 tests/data/sheets/lo_password.py IN OUT FILTER PASSWORD    # needs python3-uno

made the password-protected fixtures (password ``secret``):
    encrypted_m5.xls           from m5_two_cols.xlsx, FILTER "MS Excel 97"
    encrypted_sample_004.doc   from tests/data/doc/sample_004.doc, FILTER "MS Word 97"
"""
import os, subprocess, sys, time, tempfile
import uno
from com.sun.star.beans import PropertyValue

def prop(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p

src, dst, filt, pw = sys.argv[1:5]
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
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0, (prop("Hidden", True),))
    doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)), (prop("FilterName", filt), prop("Password", pw)))
    doc.close(True)
    try: desktop.terminate()
    except Exception: pass
finally:
    try: proc.wait(timeout=20)
    except Exception: proc.kill()
