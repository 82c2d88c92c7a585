#!/usr/bin/env python3
"""Writes testdata/trees/windows: a Windows system root whose System32\\Tasks holds task
definitions in every encoding and shape the task_xml collector must handle.

Deterministic: run it again and the bytes are the same. File times are set later, inside the
images (see make_images.sh); the folder copy keeps whatever times the checkout gives it.
"""
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "trees", "windows")
NS = 'xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task"'
DECL16 = '<?xml version="1.0" encoding="UTF-16"?>\r\n'


def utf16_bom(text):
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")


def utf16_nobom(text):
    return text.replace("\n", "\r\n").encode("utf-16-le")


def utf8_bom(text):
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def utf8(text):
    return text.encode("utf-8")


SETTINGS = """  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>true</StopIfGoingOnBatteries>
    <Enabled>{enabled}</Enabled>
    <Hidden>{hidden}</Hidden>
    <ExecutionTimeLimit>PT72H</ExecutionTimeLimit>
    <Priority>7</Priority>
  </Settings>
"""

TASKS = {
    # A stock-looking maintenance task: weekly calendar trigger, SYSTEM, UTF-16LE with BOM.
    "Microsoft/Windows/Defrag/ScheduledDefrag": (utf16_bom, DECL16 + f"""<Task version="1.6" {NS}>
  <RegistrationInfo>
    <Source>$(@%systemroot%\\system32\\dfrgui.exe,-126)</Source>
    <Author>$(@%systemroot%\\system32\\dfrgui.exe,-127)</Author>
    <Description>$(@%systemroot%\\system32\\dfrgui.exe,-128)</Description>
    <URI>\\Microsoft\\Windows\\Defrag\\ScheduledDefrag</URI>
    <SecurityDescriptor>D:AI(A;;FA;;;BA)(A;;FA;;;SY)(A;;FRFX;;;LS)</SecurityDescriptor>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>2019-12-07T01:00:00</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByWeek>
        <DaysOfWeek><Wednesday /></DaysOfWeek>
        <WeeksInterval>1</WeeksInterval>
      </ScheduleByWeek>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="LocalSystem">
      <UserId>S-1-5-18</UserId>
      <RunLevel>HighestAvailable</RunLevel>
    </Principal>
  </Principals>
""" + SETTINGS.format(enabled="true", hidden="false") + """  <Actions Context="LocalSystem">
    <Exec>
      <Command>%windir%\\system32\\defrag.exe</Command>
      <Arguments>-c -h -o -$</Arguments>
    </Exec>
  </Actions>
</Task>
"""),
    # The attacker's task: hidden, SYSTEM, logon + repeating time trigger, encoded PowerShell.
    "Updater": (utf16_bom, DECL16 + f"""<Task version="1.2" {NS}>
  <RegistrationInfo>
    <Date>2023-06-01T10:15:30.1234567Z</Date>
    <Author>CORP\\mallory</Author>
    <URI>\\Updater</URI>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger id="logon">
      <Enabled>true</Enabled>
      <Delay>PT30S</Delay>
    </LogonTrigger>
    <TimeTrigger>
      <StartBoundary>2023-06-01T12:00:00+02:00</StartBoundary>
      <EndBoundary>2024-06-01T12:00:00+02:00</EndBoundary>
      <Repetition>
        <Interval>PT15M</Interval>
        <Duration>P1D</Duration>
        <StopAtDurationEnd>false</StopAtDurationEnd>
      </Repetition>
      <RandomDelay>PT1M</RandomDelay>
    </TimeTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>S-1-5-18</UserId>
      <LogonType>ServiceAccount</LogonType>
      <RunLevel>HighestAvailable</RunLevel>
    </Principal>
  </Principals>
""" + SETTINGS.format(enabled="true", hidden="true") + """  <Actions Context="Author">
    <Exec>
      <Command>C:\\ProgramData\\Updater\\powershell.exe</Command>
      <Arguments>-NoP -W Hidden -Enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA</Arguments>
      <WorkingDirectory>C:\\ProgramData\\Updater</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
"""),
    # A COM handler task written without a byte-order mark (UTF-16LE, no BOM).
    "Microsoft/Windows/Maps/MapsToastTask": (utf16_nobom, DECL16 + f"""<Task version="1.3" {NS}>
  <RegistrationInfo>
    <Date>2014-11-05T00:00:00</Date>
    <URI>\\Microsoft\\Windows\\Maps\\MapsToastTask</URI>
  </RegistrationInfo>
  <Triggers />
  <Principals>
    <Principal id="Users">
      <GroupId>S-1-5-4</GroupId>
    </Principal>
  </Principals>
""" + SETTINGS.format(enabled="true", hidden="true") + """  <Actions Context="Users">
    <ComHandler>
      <ClassId>{9885AEF2-BD9F-41E0-B15E-B3141395E803}</ClassId>
      <Data><![CDATA[$(Arg0);$(Arg1)]]></Data>
    </ComHandler>
  </Actions>
</Task>
"""),
    # UTF-8 with BOM, entities in the arguments, an event trigger with an escaped QueryList,
    # a session-state trigger, and a calendar trigger by month.
    "Tools/Event Watcher": (utf8_bom, f"""<?xml version="1.0" encoding="UTF-8"?>
<Task version="1.4" {NS}>
  <RegistrationInfo>
    <Date>2022-01-02T03:04:05</Date>
    <Author>CORP\\admin</Author>
    <Description>Runs &quot;watch&quot; &amp; logs &lt;everything&gt; &#x263A;</Description>
  </RegistrationInfo>
  <Triggers>
    <EventTrigger>
      <Enabled>true</Enabled>
      <Subscription>&lt;QueryList&gt;&lt;Query Id="0" Path="Security"&gt;&lt;Select Path="Security"&gt;*[System[EventID=4625]]&lt;/Select&gt;&lt;/Query&gt;&lt;/QueryList&gt;</Subscription>
    </EventTrigger>
    <SessionStateChangeTrigger>
      <StateChange>RemoteConnect</StateChange>
      <UserId>CORP\\admin</UserId>
    </SessionStateChangeTrigger>
    <CalendarTrigger>
      <StartBoundary>2022-01-03T04:00:00</StartBoundary>
      <ScheduleByMonth>
        <DaysOfMonth><Day>1</Day><Day>15</Day></DaysOfMonth>
        <Months><January /><July /></Months>
      </ScheduleByMonth>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>CORP\\admin</UserId>
      <LogonType>Password</LogonType>
    </Principal>
  </Principals>
""" + SETTINGS.format(enabled="false", hidden="false") + """  <Actions Context="Author">
    <Exec>
      <Command>"C:\\Program Files\\Watcher\\watch.exe"</Command>
      <Arguments>/log "C:\\Logs\\a&amp;b.txt" /level &gt;3</Arguments>
    </Exec>
    <Exec>
      <Command>cmd.exe</Command>
      <Arguments>/c echo done</Arguments>
    </Exec>
  </Actions>
</Task>
"""),
    # UTF-8 without any declaration; deprecated SendEmail and ShowMessage actions; boot, idle and
    # registration triggers; a WNF trigger as Windows 8+ writes it.
    "Legacy/Mailer": (utf8, f"""<Task {NS}>
  <RegistrationInfo><URI>\\Legacy\\Mailer</URI></RegistrationInfo>
  <Triggers>
    <BootTrigger><Delay>PT5M</Delay></BootTrigger>
    <IdleTrigger />
    <RegistrationTrigger><Enabled>false</Enabled></RegistrationTrigger>
    <WnfStateChangeTrigger><StateName>7508BCA3380C960C</StateName><Data>01</Data><DataOffset>0</DataOffset></WnfStateChangeTrigger>
  </Triggers>
  <Actions>
    <SendEmail>
      <Server>smtp.example.org</Server>
      <Subject>status</Subject>
      <To>ops@example.org</To>
      <From>host@example.org</From>
      <Body>alive</Body>
    </SendEmail>
    <ShowMessage><Title>Hello</Title><Body>World</Body></ShowMessage>
  </Actions>
</Task>
"""),
    # The declaration claims UTF-16 but the bytes are ASCII (seen on real Windows 11 files).
    "Claims UTF-16": (utf8, DECL16 + f"""<Task version="1.2" {NS}>
  <RegistrationInfo><Date>2021-07-08T09:10:11.5</Date><URI>\\Claims UTF-16</URI></RegistrationInfo>
  <Triggers><LogonTrigger><UserId>S-1-5-21-1-2-3-1001</UserId></LogonTrigger></Triggers>
  <Principals><Principal id="Author"><UserId>S-1-5-21-1-2-3-1001</UserId><LogonType>InteractiveToken</LogonType></Principal></Principals>
  <Actions Context="Author"><Exec><Command>C:\\Users\\bob\\AppData\\Roaming\\sync.exe</Command></Exec></Actions>
</Task>
"""),
    # Not XML at all: must become a reported problem while everything else is still analysed.
    "Broken": (lambda t: t, b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00 not a task"),
}


def main():
    for rel, (enc, content) in TASKS.items():
        path = os.path.join(ROOT, "Windows", "System32", "Tasks", *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = content if isinstance(content, bytes) else enc(content)
        with open(path, "wb") as f:
            f.write(data)
    # An ordinary System32 file, so the walk meets files outside the Tasks folder too.
    hosts = os.path.join(ROOT, "Windows", "System32", "drivers", "etc", "hosts")
    os.makedirs(os.path.dirname(hosts), exist_ok=True)
    with open(hosts, "wb") as f:
        f.write(b"# Copyright (c) 1993-2009 Microsoft Corp.\r\n127.0.0.1       localhost\r\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
