//! Micro-benchmarks of the pure parsers on the project's own test data (`cargo bench`).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use tasktrail::formats::{crontab, job_file, task_cache, task_xml};

static TASK_XML: &[u8] = include_bytes!("../testdata/trees/windows/Windows/System32/Tasks/Updater");
static EVENT_WATCHER: &[u8] =
    include_bytes!("../testdata/trees/windows/Windows/System32/Tasks/Tools/Event Watcher");
static AT1_JOB: &[u8] = include_bytes!("../testdata/trees/scenarios/Windows/Tasks/At1.job");
static CRONTAB: &str = include_str!("../testdata/trees/debian/etc/crontab");
static SPOOL: &str = include_str!("../testdata/trees/debian/var/spool/cron/crontabs/bob");

fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn parsers(c: &mut Criterion) {
    c.bench_function("task_xml utf-16 (Updater)", |b| {
        b.iter(|| task_xml::parse_bytes(black_box(TASK_XML)).unwrap())
    });
    c.bench_function("task_xml utf-8 entities (Event Watcher)", |b| {
        b.iter(|| task_xml::parse_bytes(black_box(EVENT_WATCHER)).unwrap())
    });
    let actions = unhex("0300 0C000000 4100750074006800 6F007200 6666 00000000 0E000000 63006D0064002E00 6500780065 00 00000000 00000000 0000");
    c.bench_function("taskcache Actions", |b| {
        b.iter(|| task_cache::parse_actions(black_box(&actions)).unwrap())
    });
    let dynamic =
        unhex("03000000 207F478A552BDB01 263BEFC1FC19DC01 00000000 00000000 4946ABC2FC19DC01");
    c.bench_function("taskcache DynamicInfo", |b| {
        b.iter(|| task_cache::parse_dynamic_info(black_box(&dynamic)).unwrap())
    });
    c.bench_function(".job (At1)", |b| {
        b.iter(|| job_file::parse(black_box(AT1_JOB)).unwrap())
    });
    c.bench_function("crontab system", |b| {
        b.iter(|| crontab::parse(black_box(CRONTAB), true))
    });
    c.bench_function("crontab spool", |b| {
        b.iter(|| crontab::parse(black_box(SPOOL), false))
    });
}

criterion_group!(benches, parsers);
criterion_main!(benches);
