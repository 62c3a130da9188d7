//! Prints what the offline rules make of each argument (or of each stdin line):
//! `cargo run -p kubectl-ai-bench --bin understand -- "scale web to 3"`.

use kubectl_ai::plan::equivalent::equivalent_args;
use kubectl_ai::understand::rules::{Understood, understand};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lines: Vec<String> = if args.is_empty() {
        std::io::stdin().lines().map_while(Result::ok).collect()
    } else {
        args
    };
    for line in lines {
        let sentence = line.split('\t').next().unwrap_or_default();
        match understand(sentence) {
            Understood::Plan(plan) => {
                let cmds: Vec<String> = plan
                    .operations
                    .iter()
                    .map(|op| format!("kubectl {}", equivalent_args(op).join(" ")))
                    .collect();
                println!("{sentence}\t{}", cmds.join(" && "));
            }
            Understood::NeedsModel => println!("{sentence}\tMODEL"),
            Understood::Invalid(m) => println!("{sentence}\tINVALID: {m}"),
        }
    }
}
