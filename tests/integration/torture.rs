//! Mutated-image sweep: bit flips and truncations of the test images must never panic (every
//! panic is caught and reported as "crashed (bug)", which this test refuses) and must still give
//! a result. `TASKTRAIL_TORTURE=N` sets the number of mutations per image (`just torture`: 1000).

use crate::common::*;
use tasktrail::collect::Limits;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutation: a burst of bit flips (mostly in the first MiB, where the metadata lives), or a
/// truncation, or both.
fn mutate(base: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = base.to_vec();
    let kind = rng.below(4);
    if kind != 3 {
        let flips = 1 + rng.below(64);
        let hot = v.len().min(1 << 20);
        for _ in 0..flips {
            let i = if rng.below(4) == 0 {
                rng.below(v.len())
            } else {
                rng.below(hot)
            };
            v[i] ^= 1 << rng.below(8);
        }
    }
    if kind >= 2 {
        let cut = rng.below(v.len());
        v.truncate(cut);
    }
    v
}

#[test]
fn mutated_images_never_panic() {
    let n: usize = std::env::var("TASKTRAIL_TORTURE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut total = 0;
    let mut with_problems = 0;
    for img in [
        "ntfs.img",
        "gpt-disk.img",
        "mbr-disk.img",
        "debian.img",
        "rhel.img",
        "scenarios.img",
        "ntfs-owners.img",
    ] {
        let base = std::fs::read(root().join("testdata/images").join(img)).unwrap();
        for i in 0..n {
            let m = mutate(&base, &mut rng);
            let r = tasktrail::app::analyse_bytes(&format!("{img}#{i}"), m, Limits::default());
            let crashed: Vec<&str> = r
                .problems
                .iter()
                .filter(|p| p.message.contains("crashed (bug)"))
                .map(|p| p.message.as_str())
                .collect();
            assert!(crashed.is_empty(), "{img} mutation {i}: {crashed:?}");
            total += 1;
            with_problems += usize::from(!r.problems.is_empty());
        }
    }
    // Memory stays bounded: the peak resident size of this whole test process (other tests
    // run beside it) must stay far below what one unchecked length from evidence would ask for.
    let peak_kib = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        });
    if let Some(kib) = peak_kib {
        assert!(kib < 2 << 20, "peak RSS {kib} KiB");
    }
    eprintln!(
        "torture: {total} mutated images, {with_problems} with problems reported, no crashed collector or evidence, peak RSS {} KiB",
        peak_kib.unwrap_or(0)
    );
}
