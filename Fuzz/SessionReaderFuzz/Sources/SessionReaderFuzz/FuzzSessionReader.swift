import Foundation

/// libFuzzer's entry point: reads the bytes as a session file. Any input must give a session or a
/// `SessionFileError`, never a crash; and a session that reads must write and read back as itself
/// with the same bytes (the round trip the real files rely on), else the fuzzer stops here.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSessionReader(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: start, count: count)
  let session: Session
  do {
    session = try SessionFile.decode(data, file: "fuzz")
  } catch is SessionFileError {
    return 0
  } catch {
    fatalError("the reader threw \(type(of: error)), not a SessionFileError: \(error)")
  }
  do {
    let bytes = try SessionFile.encode(session)
    let again = try SessionFile.decode(bytes, file: "fuzz (written again)")
    guard again == session, try SessionFile.encode(again) == bytes else { fatalError("a session read from the input does not round-trip") }
  } catch {
    fatalError("a session read from the input cannot be written and read back: \(error)")
  }
  return 0
}
