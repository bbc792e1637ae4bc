fn main() -> std::process::ExitCode {
    actlint::cli::main()
}
