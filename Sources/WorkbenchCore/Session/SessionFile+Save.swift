import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The steps of `SessionFile.save`, in order, for an observer that wants to watch (or, in tests,
/// stop the process at) each of them.
public enum SessionSaveStep: String, CaseIterable, Sendable {
  /// Half of the new bytes are in the temporary file.
  case tempHalfWritten
  /// The temporary file holds all the new bytes and is fsynced.
  case tempWritten
  /// `FILE~` now holds the previous version.
  case previousKept
  /// The new file has replaced the old one (the directory is not yet fsynced).
  case renamed
}

extension SessionFile {
  /// Saves a session so that a crash or a kill at any moment leaves `url` holding either the old
  /// or the new session, complete:
  /// 1. the bytes go to a temporary file in the same directory (`.NAME.tmp-PID-RANDOM`), fsynced;
  /// 2. the previous file is hard-linked to a second temporary name, which is renamed over `FILE~`
  ///    (copied where the file system has no hard links), so `FILE~` is always a complete
  ///    earlier version;
  /// 3. the temporary file is renamed over `url` (atomic on POSIX file systems);
  /// 4. the directory is fsynced, making the renames durable.
  /// On failure the temporary files are removed and `url` and `FILE~` are untouched. A kill
  /// leaves at most the temporary files behind, never a damaged `url`.
  ///
  /// `observer` is called after each step; an error it throws aborts the save like a failed write.
  public static func save(_ session: Session, to url: URL, observer: ((SessionSaveStep) throws -> Void)? = nil) throws {
    let data = try encode(session)
    let path = url.path
    let directory = url.deletingLastPathComponent().path
    let name = url.lastPathComponent
    let tag = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let temp = directory + "/." + name + ".tmp-" + tag
    let previousTemp = directory + "/." + name + "~.tmp-" + tag
    func fail(_ reason: String) -> SessionFileError {
      unlink(temp)
      unlink(previousTemp)
      return SessionFileError.saveFailed(file: path, reason: reason)
    }
    do {
      try writeSynced(data, to: temp, halfway: { try observer?(.tempHalfWritten) })
      try observer?(.tempWritten)
      if FileManager.default.fileExists(atPath: path) {
        try keepPrevious(path, through: previousTemp)
        try observer?(.previousKept)
      }
      guard rename(temp, path) == 0 else { throw SystemCallError(call: "rename \(temp) to \(path)", code: errno) }
      try observer?(.renamed)
      try syncDirectory(directory)
    } catch let error as SystemCallError {
      throw fail(error.description)
    } catch let error as SessionFileError {
      throw error
    } catch {
      throw fail(String(describing: error))
    }
  }

  /// The name of the previous version kept beside `url`.
  public static func previousVersion(of url: URL) -> URL {
    url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + "~")
  }

  /// Writes `data` to a new file at `path` and fsyncs it; `halfway` runs after the first half.
  private static func writeSynced(_ data: Data, to path: String, halfway: () throws -> Void) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw SystemCallError(call: "create \(path)", code: errno) }
    defer { close(fd) }
    let half = data.count / 2
    try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      try writeAll(fd, raw, from: 0, to: half, path: path)
      try halfway()
      try writeAll(fd, raw, from: half, to: raw.count, path: path)
    }
    guard fsync(fd) == 0 else { throw SystemCallError(call: "fsync \(path)", code: errno) }
  }

  private static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer, from start: Int, to end: Int, path: String) throws {
    var offset = start
    while offset < end {
      let n = write(fd, raw.baseAddress! + offset, end - offset)
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { throw SystemCallError(call: "write \(path)", code: n < 0 ? errno : EIO) }
      offset += n
    }
  }

  /// Makes `path~` the current `path`, replacing any earlier `path~` atomically.
  private static func keepPrevious(_ path: String, through previousTemp: String) throws {
    if link(path, previousTemp) != 0 {
      let code = errno
      guard code == EPERM || code == EXDEV || code == ENOTSUP || code == EMLINK || code == ENOSYS else {
        throw SystemCallError(call: "link \(path) to \(previousTemp)", code: code)
      }
      guard let old = FileManager.default.contents(atPath: path) else { throw SystemCallError(call: "read \(path)", code: EIO) }
      try writeSynced(old, to: previousTemp, halfway: {})
    }
    guard rename(previousTemp, path + "~") == 0 else { throw SystemCallError(call: "rename \(previousTemp) to \(path)~", code: errno) }
  }

  private static func syncDirectory(_ directory: String) throws {
    let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw SystemCallError(call: "open directory \(directory)", code: errno) }
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw SystemCallError(call: "fsync directory \(directory)", code: errno) }
  }
}

/// A failed system call and its errno, e.g. "rename a to b: Permission denied".
struct SystemCallError: Error, CustomStringConvertible {
  var call: String
  var code: Int32
  var description: String { "\(call): \(String(cString: strerror(code)))" }
}
