use clap::Parser;

fn main() {
    let cli = reglab::cli::Cli::parse();
    std::process::exit(reglab::cli::run(cli));
}
