# tasktrail tasks. `just ci` runs exactly what CI runs (.ci/run).

# List the recipes.
default:
    @just --list

# Rebuild the test trees and images in testdata/ (needs root, ntfs-3g, gdisk, fdisk, ewf-tools, qemu-utils).
fixtures:
    testdata/scripts/make_images.sh

# Rewrite the golden timelines in testdata/expected from the current images (review the diff!).
bless:
    TASKTRAIL_BLESS=1 cargo test --test integration golden

# Run every test.
test:
    cargo test

# Formatting and lints, warnings as errors.
lint:
    cargo fmt --check
    cargo clippy --all-targets -- -D warnings

# What CI runs on a clean clone.
ci:
    bash .ci/run

# Scan the bundled demo disk into timeline.csv.
demo:
    cargo run --release -- scan testdata/images/gpt-disk.img -o timeline.csv

# Build the benchmark evidence (bench-work/, git-ignored) and compare tasktrail with dissect.target and plaso; writes docs/benchmarks.md.
bench:
    cargo build --release
    pip install --quiet "dissect.target[full]" plaso
    benches/harness/build.sh
    python3 benches/harness/run.py

# Micro-benchmarks of the parsers (criterion).
bench-parsers:
    cargo bench --bench parsers

# Fuzz every parser and the whole pipeline for SECS seconds per target (stable toolchain, --sanitizer none; needs `cargo install cargo-fuzz`).
fuzz SECS="600":
    fuzz/run.sh {{SECS}}

# Mutated-image sweep: 1,000 bit-flipped or truncated copies of each test image, no panic allowed.
torture:
    cargo build --release --tests
    # 8 GiB address-space cap: an allocation sized by hostile evidence fails (and the test with it)
    ulimit -v 8388608; TASKTRAIL_TORTURE=1000 cargo test --release --test integration torture -- --nocapture
