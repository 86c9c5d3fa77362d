import Foundation
import WorkbenchCore
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// Saving never loses the previous file: a kill at any step of `SessionFile.save`, or a save that
/// fails, leaves the old session complete and readable.
final class SessionSaveTests: XCTestCase {
  static let childVariable = "HEADLAB_SESSION_SAVE_CHILD"

  /// `FILE~` holds the version before the last save; no temporary file is left behind.
  func testSaveKeepsThePreviousVersionAsTilde() throws {
    let directory = try SessionSamples.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("ioi.headlab-session")
    let first = try SessionSamples.session(), second = try SessionSamples.otherSession()
    var third = second
    third.view["theme"] = "night"
    try SessionFile.save(first, to: file)
    XCTAssertFalse(FileManager.default.fileExists(atPath: SessionFile.previousVersion(of: file).path))
    try SessionFile.save(second, to: file)
    XCTAssertEqual(try SessionFile.read(file), second)
    XCTAssertEqual(try SessionFile.read(SessionFile.previousVersion(of: file)), first)
    try SessionFile.save(third, to: file)
    XCTAssertEqual(try SessionFile.read(file), third)
    XCTAssertEqual(try SessionFile.read(SessionFile.previousVersion(of: file)), second)
    XCTAssertEqual(try Data(contentsOf: file), try SessionFile.encode(third))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["ioi.headlab-session", "ioi.headlab-session~"])
  }

  /// The test process runs itself again (`/proc/self/exe`, this test only) as a child that saves a
  /// new session over an old one and stops at one step of the save; the parent kills it there with
  /// SIGKILL. Whatever the step, the file is the complete old or the complete new session, and
  /// `FILE~` a complete earlier one. Covered steps: half the temp file written, temp file written,
  /// previous version kept, renamed.
  func testKillDuringSaveLeavesTheOldFileIntact() throws {
    if let job = ProcessInfo.processInfo.environment[Self.childVariable] { runChild(job) }
    #if os(Linux)
      let old = try SessionSamples.session(), new = try SessionSamples.otherSession()
      var older = old
      older.view["panel"] = "older"
      for step in SessionSaveStep.allCases {
        let directory = try SessionSamples.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("s.json"), marker = directory.appendingPathComponent("stopped")
        try SessionFile.save(older, to: file)
        try SessionFile.save(old, to: file)

        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["WorkbenchCoreTests.SessionSaveTests/testKillDuringSaveLeavesTheOldFileIntact"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.childVariable] = [file.path, marker.path, step.rawValue].joined(separator: "\n")
        child.environment = environment
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: marker.path) && child.isRunning && Date() < deadline { usleep(10_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: marker.path), "the child did not reach \(step) (exit \(child.isRunning ? -1 : child.terminationStatus))")
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        XCTAssertEqual(child.terminationReason, .uncaughtSignal, "\(step)")
        XCTAssertEqual(child.terminationStatus, SIGKILL, "\(step)")

        let renamed = step == .renamed
        XCTAssertEqual(try SessionFile.read(file), renamed ? new : old, "after a kill at \(step)")
        let keptOld = step == .previousKept || step == .renamed
        XCTAssertEqual(try SessionFile.read(SessionFile.previousVersion(of: file)), keptOld ? old : older, "FILE~ after a kill at \(step)")
      }
    #else
      throw XCTSkip("the child is started through /proc/self/exe, which only Linux has")
    #endif
  }

  /// The child half of the kill test: save `otherSession` and stop (sleep until killed) at the step.
  private func runChild(_ job: String) -> Never {
    let parts = job.components(separatedBy: "\n")
    let file = URL(fileURLWithPath: parts[0]), marker = parts[1], stop = SessionSaveStep(rawValue: parts[2])!
    do {
      try SessionFile.save(try SessionSamples.otherSession(), to: file) { step in
        guard step == stop else { return }
        _ = FileManager.default.createFile(atPath: marker, contents: Data())
        while true { sleep(60) }
      }
    } catch {
      FileHandle.standardError.write(Data("child: \(error)\n".utf8))
    }
    exit(3)
  }

  /// A save into a directory that cannot be written fails with a message naming the file, and the
  /// old file and its `FILE~` are untouched. As root, `chmod` does not stop writes, so the
  /// directory is made immutable (`chattr +i`) instead.
  func testFailedSaveInAnUnwritableDirectoryLeavesTheOldFileUntouched() throws {
    let directory = try SessionSamples.temporaryDirectory()
    let file = directory.appendingPathComponent("s.json")
    let old = try SessionSamples.session()
    var older = old
    older.view["panel"] = "older"
    try SessionFile.save(older, to: file)
    try SessionFile.save(old, to: file)
    let before = try Data(contentsOf: file), previousBefore = try Data(contentsOf: SessionFile.previousVersion(of: file))
    try makeUnwritable(directory)
    defer {
      _ = try? run("/usr/bin/chattr", ["-i", directory.path])
      chmod(directory.path, 0o755)
      try? FileManager.default.removeItem(at: directory)
    }
    XCTAssertThrowsError(try SessionFile.save(try SessionSamples.otherSession(), to: file)) { error in
      guard case .saveFailed(let path, let reason)? = error as? SessionFileError else { return XCTFail("\(error)") }
      XCTAssertEqual(path, file.path)
      XCTAssertTrue(reason.contains("create") && reason.contains(directory.path), reason)
    }
    XCTAssertEqual(try Data(contentsOf: file), before)
    XCTAssertEqual(try Data(contentsOf: SessionFile.previousVersion(of: file)), previousBefore)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["s.json", "s.json~"])
  }

  /// A save that fails at any step before the rename (here: the observer throws, as a failed write
  /// would) removes its temporary files and leaves the old file as it was and `FILE~` a complete
  /// earlier version (the one before, or the old file itself once that step is done).
  func testSaveFailingMidwayLeavesTheOldFileAndNoTemporaryFiles() throws {
    struct InjectedFailure: Error {}
    for failing in [SessionSaveStep.tempHalfWritten, .tempWritten, .previousKept] {
      let directory = try SessionSamples.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let file = directory.appendingPathComponent("s.json")
      var older = try SessionSamples.session()
      older.view["panel"] = "older"
      try SessionFile.save(older, to: file)
      try SessionFile.save(try SessionSamples.session(), to: file)
      let before = try Data(contentsOf: file)
      XCTAssertThrowsError(try SessionFile.save(try SessionSamples.otherSession(), to: file) { if $0 == failing { throw InjectedFailure() } }) { error in
        XCTAssertTrue(String(describing: error).contains("cannot save the session: InjectedFailure"), "\(error)")
      }
      XCTAssertEqual(try Data(contentsOf: file), before, "\(failing)")
      let previous = try SessionFile.read(SessionFile.previousVersion(of: file))
      XCTAssertEqual(previous, failing == .previousKept ? try SessionSamples.session() : older, "\(failing)")
      XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["s.json", "s.json~"], "\(failing)")
    }
  }

  private func makeUnwritable(_ directory: URL) throws {
    chmod(directory.path, 0o555)
    if canCreateFile(in: directory) {
      guard FileManager.default.fileExists(atPath: "/usr/bin/chattr"), try run("/usr/bin/chattr", ["+i", directory.path]) == 0, !canCreateFile(in: directory) else {
        throw XCTSkip("running as root on a file system without chattr +i: no way to make \(directory.path) unwritable")
      }
    }
  }

  private func canCreateFile(in directory: URL) -> Bool {
    let probe = directory.appendingPathComponent("probe")
    let fd = open(probe.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { return false }
    close(fd)
    unlink(probe.path)
    return true
  }

  private func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }
}

