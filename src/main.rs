#![forbid(unsafe_code)]
//! The `tasktrail` binary: parse arguments, run, map the outcome to an exit code.

use clap::Parser;
use tasktrail::cli::{Cli, Command};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    // Panics are caught and reported as problems; keep the default hook's noise off stderr.
    std::panic::set_hook(Box::new(|_| {}));
    let code = match cli.command {
        Command::Rules { markdown } => {
            if markdown {
                print!("{}", tasktrail::rules::markdown());
            } else {
                for r in tasktrail::rules::ALL {
                    let i = r.info();
                    println!(
                        "{:<28} {:<9} {:<10} {}",
                        i.id,
                        i.severity.name(),
                        i.technique,
                        i.title
                    );
                }
            }
            0
        }
        Command::Scan(args) => match args.plan() {
            Ok(plan) => match tasktrail::app::run(&plan) {
                // Exit while the timeline is still held: the system reclaims it at once, where
                // freeing a batch's rows one by one would only delay the end of the run.
                Ok(done) => std::process::exit(done.code),
                Err(e) => {
                    eprintln!("tasktrail: fatal: {e}");
                    2
                }
            },
            Err(e) => {
                eprintln!("tasktrail: fatal: {e}");
                2
            }
        },
    };
    std::process::exit(code);
}
