fn main() -> std::process::ExitCode {
    lapak::cli::main()
}
