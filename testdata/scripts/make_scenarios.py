#!/usr/bin/env python3
"""Writes testdata/trees/scenarios: a Windows root whose tasks cover every hiding technique the
reconciliation must expose, with the matching SOFTWARE hive (TaskCache) and legacy .job files.

  task                                   XML  Tree  Tasks  bucket        what it exercises
  \\Microsoft\\Windows\\Defrag\\ScheduledDefrag  yes  yes   yes    Plain (3)     stock: no hidden/mismatch flag
  \\Microsoft\\Windows\\Maps\\MapsToastTask     yes  yes   yes    Plain (3)     stock COM handler
  \\WinDefenderUpdate                     yes  SD deleted  yes  Logon (2)  Tarrask (hidden-sd-missing)
  \\OneDriveSync                          yes  Index 0    yes  Plain key   hidden-index
  \\GhostSvc                              no   yes   yes    Plain (3)     GhostTask (registry-only)
  \\kXdBqWmZ                              yes  yes   yes    Plain (3)     impacket atexec shape
  \\At1 (+ Windows\\Tasks\\At1.job)          yes  yes   yes    Plain (3)     at-job
  \\Adobe Acrobat Update Task             yes  yes   yes    Logon (2)     action-mismatch
  \\Orphan                                yes  no    no     -             xml-only
  \\Cleanup                               no   deleted deleted deleted   recovered deleted keys
  \\Microsoft\\Office\\OfficeTelemetry      yes  yes   yes    Plain (3)     hash-mismatch
  Windows\\Tasks\\Backup.job               legacy job made by the Task Scheduler 1.0 UI

Needs: python3, hivexregedit (libwin-hivex-perl). Deterministic except the key LastWrite times
hivex stamps.
"""
import hashlib
import os
import struct
import subprocess
import sys
import tempfile
import uuid
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "trees", "scenarios")
TASKS = os.path.join(ROOT, "Windows", "System32", "Tasks")
NS = 'xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task"'
TC = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Schedule\TaskCache"
EPOCH = 11644473600


def ft(iso_seconds, frac=0):
    return (iso_seconds + EPOCH) * 10_000_000 + frac


T_REG = 1685614530  # 2023-06-01T10:15:30Z
T_RUN = 1685700000  # 2023-06-02T10:00:00Z


# ------------------------------------------------------------------ blobs

def bstr(s):
    b = s.encode("utf-16-le")
    return struct.pack("<I", len(b)) + b


def actions_blob(context, acts, version=3):
    out = struct.pack("<H", version) + bstr(context)
    for a in acts:
        if a[0] == "exec":
            _, cmd, args, wd = a
            out += struct.pack("<H", 0x6666) + bstr("") + bstr(cmd) + bstr(args) + bstr(wd)
            if version >= 3:
                out += struct.pack("<H", 0)
        elif a[0] == "com":
            _, clsid, data = a
            out += struct.pack("<H", 0x7777) + bstr("") + uuid.UUID(clsid).bytes_le + bstr(data)
    return out


def dynamic_info(registered, last_run=0, result=0, completed=0):
    return struct.pack("<IQQIIQ", 3, registered, last_run, 0, result, completed)


PAD = b"\x48"


def a1(v):
    return struct.pack("<B", v) + PAD * 7


def a4(v):
    return struct.pack("<I", v) + PAD * 4


def tstime(filetime, local=True):
    return a1(1 if local else 0) + struct.pack("<Q", filetime)


def pad8(n):
    return PAD * ((8 - n % 8) % 8)


def astr(s):
    b = s.encode("utf-16-le")
    return a4(len(b)) + b + pad8(len(b))


def sid_bytes(text):
    parts = text.split("-")
    subs = [int(x) for x in parts[3:]]
    return struct.pack("<BB", 1, len(subs)) + int(parts[2]).to_bytes(6, "big") + b"".join(struct.pack("<I", s) for s in subs)


def user_info(sid, name):
    s = sid_bytes(sid)
    return a1(0) + a1(0) + a4(5) + a4(len(s)) + s + pad8(len(s)) + astr(name)


def trigger_id(s):
    b = s.encode("utf-16-le")
    return struct.pack("<I", len(b)) + b + pad8(4 + len(b))


def generic(start, enabled=True, delay=0):
    return (tstime(start) + tstime(0) + struct.pack("<IIIII", delay, 0, 0, 0, 0) + struct.pack("<B", 0) + PAD * 3
            + a1(1 if enabled else 0) + b"\0" * 8 + trigger_id(""))


def triggers_blob(principal, user_sid, user_name, triggers, xml_crc, flags=0x40_0000 | 0x100):
    out = a1(0x17) + tstime(triggers[0][1] if triggers else 0) + tstime(0)
    out += a4(flags) + a4(xml_crc) + astr(principal) + astr("") + user_info(user_sid, user_name)
    out += a4(0x30) + struct.pack("<7I", 600, 3600, 259200, 0, 7, 0, 0) + b"\0" * 16 + PAD * 4
    for kind, start, *rest in triggers:
        if kind == "logon":
            out += a4(0xAAAA) + generic(start) + user_info(rest[0], rest[1])
        elif kind == "boot":
            out += a4(0xFFFF) + generic(start)
        elif kind in ("weekly", "once"):
            mode, d1, d2 = (2, 1, rest[0]) if kind == "weekly" else (0, 0, 0)
            out += a4(0xDDDD) + tstime(start) + tstime(0) + tstime(0)
            out += struct.pack("<IIIIHHHH", 0, 0, 259200, mode, d1, d2, 0, 0) + struct.pack("<BBH", 0, 1, 0)
            out += struct.pack("<III", 0, 0, 0) + trigger_id("")
    return out


def sd_blob():
    def ace(mask, sid):
        s = sid_bytes(sid)
        return struct.pack("<BBHI", 0, 0, 8 + len(s), mask) + s
    aces = ace(0x1F019F, "S-1-5-32-544") + ace(0x1F019F, "S-1-5-18") + ace(0x120089, "S-1-5-11")
    acl = struct.pack("<BBHHH", 2, 0, 8 + len(aces), 3, 0) + aces
    owner, group = sid_bytes("S-1-5-32-544"), sid_bytes("S-1-5-18")
    hdr = struct.pack("<BBHIIII", 1, 0, 0x8004, 20, 20 + len(owner), 0, 20 + len(owner) + len(group))
    return hdr + owner + group + acl


# ------------------------------------------------------------------ XML

def esc(t):
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_task(uri, principal_id, user, actions, triggers="", hidden=False, date=None, author=None, extra_principal=""):
    reg = ""
    if uri is not None:
        reg = "  <RegistrationInfo>\n"
        if date:
            reg += f"    <Date>{date}</Date>\n"
        if author:
            reg += f"    <Author>{esc(author)}</Author>\n"
        reg += f"    <URI>{uri}</URI>\n  </RegistrationInfo>\n"
    acts = ""
    for a in actions:
        if a[0] == "exec":
            acts += f"    <Exec>\n      <Command>{esc(a[1])}</Command>\n"
            if a[2]:
                acts += f"      <Arguments>{esc(a[2])}</Arguments>\n"
            if a[3]:
                acts += f"      <WorkingDirectory>{esc(a[3])}</WorkingDirectory>\n"
            acts += "    </Exec>\n"
        else:
            acts += f"    <ComHandler>\n      <ClassId>{{{a[1]}}}</ClassId>\n      <Data>{a[2]}</Data>\n    </ComHandler>\n"
    return ('<?xml version="1.0" encoding="UTF-16"?>\n'
            f'<Task version="1.2" {NS}>\n{reg}  <Triggers>{triggers}</Triggers>\n'
            f'  <Principals>\n    <Principal id="{principal_id}">\n      <UserId>{user}</UserId>\n{extra_principal}    </Principal>\n  </Principals>\n'
            f'  <Settings>\n    <Enabled>true</Enabled>\n    <Hidden>{"true" if hidden else "false"}</Hidden>\n  </Settings>\n'
            f'  <Actions Context="{principal_id}">\n{acts}  </Actions>\n</Task>\n')


def utf16(text):
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")


# ------------------------------------------------------------------ .job

def counted(s):
    if not s:
        return struct.pack("<H", 0)
    u = (s + "\0").encode("utf-16-le")
    return struct.pack("<H", len(u) // 2) + u


def job_bytes(app, params, wd, author, comment, trigger, flags, status, last_run=None, exit_code=0):
    var = struct.pack("<H", 0) + counted(app) + counted(params) + counted(wd) + counted(author) + counted(comment)
    var += struct.pack("<H", 0) + struct.pack("<HII", 8, status, 0)
    trig_off = 0x44 + len(var)
    var += struct.pack("<H", 1) + trigger + struct.pack("<HH", 1, 1) + b"\0" * 64
    lr = struct.pack("<8H", *last_run) if last_run else b"\0" * 16
    fixed = struct.pack("<HH16sHHHHHHIIIII", 0x0A00, 1, uuid.UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").bytes_le,
                        0x46, trig_off, 0, 0, 10, 60, 0x20, 259200000, exit_code, status, flags) + lr
    assert len(fixed) == 0x44
    return fixed + var


def job_trigger(kind, begin, hour, minute, args=(0, 0, 0), tflags=0):
    return struct.pack("<HH3H3HHHIIII3H3H", 0x30, 0, *begin, 0, 0, 0, hour, minute, 0, 0, tflags, kind, *args, 0, 0, 0)


# ------------------------------------------------------------------ scenarios

SYSTEM = "S-1-5-18"
BOB = "S-1-5-21-1111111111-2222222222-3333333333-1001"
WEEKLY = "<CalendarTrigger><StartBoundary>2019-12-07T01:00:00</StartBoundary><ScheduleByWeek><DaysOfWeek><Wednesday /></DaysOfWeek><WeeksInterval>1</WeeksInterval></ScheduleByWeek></CalendarTrigger>"
LOGON = "<LogonTrigger><Enabled>true</Enabled></LogonTrigger>"
ATEXEC_TIME = "<TimeTrigger><StartBoundary>2015-07-15T20:35:13.2757294</StartBoundary><Enabled>true</Enabled></TimeTrigger>"

S = [
    # name, guid, xml?, xml actions, registry actions, principal, user, triggers xml, reg triggers, index, bucket, sd, hidden, extra
    dict(name=r"\Microsoft\Windows\Defrag\ScheduledDefrag", guid="{8F3A1C2E-1B2C-4D5E-8F90-A1B2C3D4E5F6}",
         acts=[("exec", r"%windir%\system32\defrag.exe", "-c -h -o -$", "")], principal="LocalSystem", user=SYSTEM,
         trig=WEEKLY, rtrig=[("weekly", ft(1575680400), 0x8)], index=3, bucket="Plain", date=None,
         author=r"$(@%systemroot%\system32\dfrgui.exe,-127)"),
    dict(name=r"\Microsoft\Windows\Maps\MapsToastTask", guid="{2C4B6D8F-0A1B-4C3D-9E5F-607182939A4B}",
         acts=[("com", "9885AEF2-BD9F-41E0-B15E-B3141395E803", "$(Arg0);$(Arg1)")], principal="Users", user="S-1-5-4",
         trig="", rtrig=[], index=3, bucket="Plain", date="2014-11-05T00:00:00", hidden=True),
    dict(name=r"\WinDefenderUpdate", guid="{A1B2C3D4-1111-2222-3333-444455556666}",
         acts=[("exec", r"C:\ProgramData\Microsoft\wdupd.exe", "/silent", "")], principal="Author", user=SYSTEM,
         trig=LOGON, rtrig=[("logon", ft(T_REG), SYSTEM, "SYSTEM")], index=2, bucket="Logon", date="2023-06-01T10:15:30",
         author=r"CORP\mallory", delete_sd=True),
    dict(name=r"\OneDriveSync", guid="{B2C3D4E5-2222-3333-4444-555566667777}",
         acts=[("exec", r"C:\Users\Public\odsync.exe", "", "")], principal="Author", user=BOB,
         trig=LOGON, rtrig=[("logon", ft(T_REG), BOB, "bob")], index=0, bucket="Plain", date="2023-06-01T11:00:00",
         author=r"CORP\bob"),
    dict(name=r"\GhostSvc", guid="{C3D4E5F6-3333-4444-5555-666677778888}", xml=False,
         acts=[("exec", r"C:\Windows\Temp\svc.exe", "-k netsvcs", "")], principal="Author", user=SYSTEM,
         trig="", rtrig=[("logon", ft(T_REG), SYSTEM, "SYSTEM")], index=3, bucket="Plain", date="2023-06-02T08:00:00"),
    dict(name=r"\kXdBqWmZ", guid="{D4E5F6A7-4444-5555-6666-777788889999}",
         acts=[("exec", "cmd.exe", r"/C whoami > %windir%\Temp\kXdBqWmZ.tmp 2>&1", "")], principal="LocalSystem", user=SYSTEM,
         trig=ATEXEC_TIME, rtrig=[("once", ft(1436992513, 2757294))], index=3, bucket="Plain", date=None, uri=None,
         hidden=True, run_level="HighestAvailable"),
    dict(name=r"\At1", guid="{E5F6A7B8-5555-6666-7777-88889999AAAA}",
         acts=[("exec", "cmd.exe", r'/c "C:\Users\Public\a.bat"', "")], principal="LocalSystem", user=SYSTEM,
         trig="<TimeTrigger><StartBoundary>2023-06-03T03:00:00</StartBoundary></TimeTrigger>",
         rtrig=[("once", ft(1685761200))], index=3, bucket="Plain", date="2023-06-02T09:00:00"),
    dict(name=r"\Adobe Acrobat Update Task", guid="{F6A7B8C9-6666-7777-8888-9999AAAABBBB}",
         acts=[("exec", r"C:\Program Files (x86)\Common Files\Adobe\ARM\1.0\AdobeARM.exe", "", "")],
         racts=[("exec", r"C:\Users\Public\AdobeARM.exe", "", "")], principal="Author", user=BOB,
         trig=LOGON, rtrig=[("logon", ft(T_REG), BOB, "bob")], index=2, bucket="Logon", date="2021-05-05T05:05:05",
         author="Adobe Systems Incorporated"),
    dict(name=r"\Orphan", guid=None, reg=False,
         acts=[("exec", "powershell.exe", r"-File C:\Users\Public\o.ps1", "")], principal="Author", user=BOB,
         trig=LOGON, rtrig=[], date="2023-06-04T12:00:00"),
    dict(name=r"\Cleanup", guid="{0A1B2C3D-7777-8888-9999-AAAABBBBCCCC}", xml=False, deleted=True,
         acts=[("exec", r"C:\Windows\Temp\wipe.exe", "", "")], principal="Author", user=SYSTEM,
         trig="", rtrig=[("boot", ft(T_REG))], index=1, bucket="Boot", date="2023-06-01T09:00:00"),
    dict(name=r"\Microsoft\Office\OfficeTelemetry", guid="{1B2C3D4E-8888-9999-AAAA-BBBBCCCCDDDD}",
         acts=[("exec", r"C:\Program Files\Microsoft Office\root\Office16\msoia.exe", "scan upload", "")],
         principal="Author", user=SYSTEM, trig=LOGON, rtrig=[("logon", ft(T_REG), SYSTEM, "SYSTEM")], index=3,
         bucket="Plain", date="2022-02-02T02:02:02", tamper_xml=True),
]


def nk_cells(data):
    """Yields (cell offset, name, allocated) for every key record in the hive's hbins."""
    end = 4096 + struct.unpack_from("<I", data, 40)[0]
    hbin = 4096
    while hbin < end and data[hbin:hbin + 4] == b"hbin":
        size = struct.unpack_from("<I", data, hbin + 8)[0]
        cell = hbin + 32
        while cell < hbin + size:
            sz = struct.unpack_from("<i", data, cell)[0]
            if sz == 0:
                break
            if data[cell + 4:cell + 6] == b"nk":
                n = struct.unpack_from("<H", data, cell + 4 + 72)[0]
                yield cell, data[cell + 80:cell + 80 + n].decode("latin-1"), sz < 0
            cell += abs(sz)
        hbin += size


# Key LastWrite times written into the hive (hivex copies its parent's): by key name.
LAST_WRITTEN = {
    "WinDefenderUpdate": ft(1685995800, 4444444),    # 2023-06-05T20:10:00.4444444Z: SD value deleted
    "GhostSvc": ft(1685692800, 1111111),             # 2023-06-02T08:00:00.1111111Z
    "{C3D4E5F6-3333-4444-5555-666677778888}": ft(1685692800, 2222222),
    "Cleanup": ft(1685610000, 5555555),              # 2023-06-01T09:00:00.5555555Z
    "{0A1B2C3D-7777-8888-9999-AAAABBBBCCCC}": ft(1685610000, 6666666),
    "kXdBqWmZ": ft(1436992513, 3000000),
    "{D4E5F6A7-4444-5555-6666-777788889999}": ft(1436992513, 3100000),
}
DEFAULT_WRITTEN = ft(T_REG, 5000000)


def set_last_written(data):
    for cell, name, _ in nk_cells(data):
        if data[cell + 6] & 0x4:  # the root keeps its time
            continue
        struct.pack_into("<Q", data, cell + 8, LAST_WRITTEN.get(name, DEFAULT_WRITTEN))


def reg_hex(b):
    return "hex:" + ",".join(f"{x:02x}" for x in b) if b else "hex:"


def reg_sz(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    os.makedirs(TASKS, exist_ok=True)
    os.makedirs(os.path.join(ROOT, "Windows", "Tasks"), exist_ok=True)
    os.makedirs(os.path.join(ROOT, "Windows", "System32", "config"), exist_ok=True)
    keys = {}  # ordered: key path -> list of value lines

    def key(path, *values):
        parts = path.split("\\")
        for i in range(2, len(parts) + 1):
            keys.setdefault("\\".join(parts[:i]), [])
        keys[path].extend(values)

    key(TC + r"\Tree", '"SD"=' + reg_hex(sd_blob()))
    for b in ("Boot", "Logon", "Plain", "Maintenance", "Tasks"):
        key(TC + "\\" + b)
    deletions = []
    for s in S:
        name = s["name"]
        rel = name.lstrip("\\").split("\\")
        extra_principal = f"      <RunLevel>{s['run_level']}</RunLevel>\n" if s.get("run_level") else ""
        xml = xml_task(s.get("uri", name), s["principal"], s["user"], s["acts"], s["trig"], s.get("hidden", False),
                       s.get("date"), s.get("author"), extra_principal)
        data = utf16(xml)
        digest = hashlib.sha256(data[2:]).digest()  # hashed without the BOM
        crc = zlib.crc32(data[2:])
        if s.get("tamper_xml"):
            xml = xml.replace("<URI>", "<Description>edited after registration</Description>\n    <URI>")
            data = utf16(xml)
        if s.get("xml", True):
            p = os.path.join(TASKS, *rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)
        if not s.get("reg", True):
            continue
        guid = s["guid"]
        tree = TC + r"\Tree" + "\\" + "\\".join(rel)
        for i in range(1, len(rel)):
            folder = TC + r"\Tree" + "\\" + "\\".join(rel[:i])
            if folder not in keys:
                key(folder, '"SD"=' + reg_hex(sd_blob()))
        tvals = [f'"Id"={reg_sz(guid)}', f'"Index"=dword:{s["index"]:08x}', '"SD"=' + reg_hex(sd_blob())]
        key(tree, *tvals)
        racts = s.get("racts", s["acts"])
        task_key = TC + r"\Tasks" + "\\" + guid
        vals = [f'"Path"={reg_sz(name)}', f'"URI"={reg_sz(name)}']
        if s.get("author"):
            vals.append(f'"Author"={reg_sz(s["author"])}')
        if s.get("date"):
            vals.append(f'"Date"={reg_sz(s["date"])}')
        vals += ['"Schema"=dword:00010002', '"Hash"=' + reg_hex(digest),
                 '"Actions"=' + reg_hex(actions_blob(s["principal"], racts)),
                 '"Triggers"=' + reg_hex(triggers_blob(s["principal"], s["user"], "", s["rtrig"], crc)),
                 '"DynamicInfo"=' + reg_hex(dynamic_info(ft(T_REG), ft(T_RUN, 1234567), 0, ft(T_RUN + 2, 7654321)))]
        key(task_key, *vals)
        key(TC + "\\" + s["bucket"] + "\\" + guid)
        if s.get("delete_sd"):
            deletions.append(f"[{tree}]\n\"SD\"=-\n")
        if s.get("deleted"):
            deletions.append(f"[-{tree}]\n")
            deletions.append(f"[-{task_key}]\n")
            deletions.append(f"[-{TC}\\{s['bucket']}\\{guid}]\n")
    key(r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList\\".rstrip("\\") + "\\" + BOB,
        '"ProfileImagePath"=' + reg_sz(r"C:\Users\bob"))
    key(r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList\S-1-5-18",
        '"ProfileImagePath"=' + reg_sz(r"%systemroot%\system32\config\systemprofile"))

    hive = os.path.join(ROOT, "Windows", "System32", "config", "SOFTWARE")
    subprocess.run([sys.executable, os.path.join(HERE, "empty_hive.py"), hive], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        reg = os.path.join(tmp, "a.reg")
        with open(reg, "w") as f:
            f.write("Windows Registry Editor Version 5.00\n\n")
            for k, vals in keys.items():
                if k.count("\\") < 1:
                    continue
                f.write(f"[{k}]\n" + "".join(v + "\n" for v in vals) + "\n")
        subprocess.run(["hivexregedit", "--merge", "--prefix", r"HKEY_LOCAL_MACHINE\SOFTWARE", hive, reg], check=True)
        # hivex empties a key's value list before freeing it; Windows leaves it. Remember the
        # value counts and lists of the keys about to be deleted, to restore them afterwards.
        with open(hive, "rb") as f:
            data = bytearray(f.read())
        doomed = {name for s in S if s.get("deleted") for name in (s["name"].split("\\")[-1], s["guid"])}
        saved = {cell: data[cell + 40:cell + 48] for cell, name, alloc in nk_cells(data) if alloc and name in doomed}
        dele = os.path.join(tmp, "d.reg")
        with open(dele, "w") as f:
            f.write("Windows Registry Editor Version 5.00\n\n" + "\n".join(deletions))
        subprocess.run(["hivexregedit", "--merge", "--prefix", r"HKEY_LOCAL_MACHINE\SOFTWARE", hive, dele], check=True)
        with open(hive, "rb") as f:
            data = bytearray(f.read())
        for cell, counts in saved.items():
            if struct.unpack_from("<i", data, cell)[0] > 0:  # freed by the deletion
                data[cell + 40:cell + 48] = counts
        set_last_written(data)
        with open(hive, "wb") as f:
            f.write(data)

    # A GPO pushing an immediate task with a stored (cpassword) credential, as on a DC's SYSVOL.
    gpp = os.path.join(ROOT, "Windows", "SYSVOL", "sysvol", "corp.local", "Policies",
                       "{31B2F340-016D-11D2-945F-00C04FB984F9}", "Machine", "Preferences", "ScheduledTasks")
    os.makedirs(gpp, exist_ok=True)
    with open(os.path.join(gpp, "ScheduledTasks.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n'
                '<ScheduledTasks clsid="{CC63F200-7309-4ba0-B154-A71CD118DBCC}">'
                '<ImmediateTaskV2 clsid="{9756B581-76EC-4169-9AFC-0CA8D43ADB5F}" name="SyncTool" image="0" '
                'changed="2023-06-06 07:08:09" uid="{D3C6B0A4-1111-4222-8333-944455556666}">'
                '<Properties action="C" name="SyncTool" runAs="CORP\\svc_sync" logonType="Password" '
                'cpassword="j1Uyj3Vx8TY9LtLZil2uAuZkFQA/4latT76ZwgdHdhw">'
                '<Task version="1.3"><RegistrationInfo><Author>CORP\\admin</Author></RegistrationInfo>'
                '<Principals><Principal id="Author"><UserId>CORP\\svc_sync</UserId><LogonType>Password</LogonType>'
                '<RunLevel>HighestAvailable</RunLevel></Principal></Principals><Settings><Enabled>true</Enabled></Settings>'
                '<Actions Context="Author"><Exec><Command>\\\\corp.local\\NETLOGON\\sync.exe</Command>'
                '<Arguments>/all</Arguments></Exec></Actions></Task></Properties></ImmediateTaskV2></ScheduledTasks>\n')

    # Legacy jobs: the at.exe/AtSvc one and a Task Scheduler 1.0 UI one.
    at1 = job_bytes("cmd.exe", r'/c "C:\Users\Public\a.bat"', "", r"WORKGROUP\WIN10-VM$", "Created by NetScheduleJobAdd.",
                    job_trigger(0, (2023, 6, 3), 3, 0), 0x0100_0000, 0x41303)
    with open(os.path.join(ROOT, "Windows", "Tasks", "At1.job"), "wb") as f:
        f.write(at1)
    backup = job_bytes(r"C:\backup\run.cmd", "/full", r"C:\backup", r"CORP\admin", "nightly backup",
                       job_trigger(2, (2020, 1, 6), 23, 30, (1, 0x22, 0)), 0x0100_0000, 0x41300,
                       last_run=(2023, 5, 3, 31, 3, 23, 30, 250), exit_code=1)
    with open(os.path.join(ROOT, "Windows", "Tasks", "Backup.job"), "wb") as f:
        f.write(backup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
