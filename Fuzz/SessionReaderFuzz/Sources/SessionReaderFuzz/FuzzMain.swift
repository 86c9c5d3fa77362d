/// SwiftPM links an executable target's entry point as `SessionReaderFuzz_main` (with
/// `--defsym main=SessionReaderFuzz_main`), so libFuzzer's own `main` is never linked; this entry
/// point hands the command line to libFuzzer's driver instead.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("SessionReaderFuzz_main")
public func sessionReaderFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return LLVMFuzzerRunDriver(&count, &arguments, { fuzzSessionReader($0, $1) })
}
