import CBLAS
import Foundation

extension BLAS {
  /// OpenBLAS 0.3.21 (Debian 12) picks its kernels from the CPU's model number and falls back to
  /// the generic Prescott (SSE3) kernels on processors it does not know, even when they have
  /// AVX-512: on this project's virtual machines its matrix products then run 2-3x slower than
  /// they can. When `OPENBLAS_CORETYPE` is not set, OpenBLAS chose Prescott, and the CPU reports
  /// AVX-512 (F, DQ, BW and VL in /proc/cpuinfo's flags), this selects the SkylakeX kernels
  /// instead and returns true. A set `OPENBLAS_CORETYPE` is always respected (it is set on some
  /// processors to avoid wrong results); set it to Prescott to keep OpenBLAS's own choice.
  ///
  /// Call it first thing in a process, before any BLAS call.
  @discardableResult
  public static func adoptAVX512KernelsIfMisdetected(
    environment: [String: String] = ProcessInfo.processInfo.environment, cpuFlags: Set<String>? = nil
  ) -> Bool {
    guard environment["OPENBLAS_CORETYPE"] == nil, coreName == "Prescott" else { return false }
    let flags = cpuFlags ?? currentCPUFlags()
    guard ["avx512f", "avx512dq", "avx512bw", "avx512vl"].allSatisfy(flags.contains) else { return false }
    setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
    gotoblas_dynamic_quit()
    gotoblas_dynamic_init()
    return coreName == "SkylakeX"
  }

  /// The flags of the first processor in /proc/cpuinfo (empty where there is none).
  static func currentCPUFlags() -> Set<String> {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
          let colon = line.firstIndex(of: ":") else { return [] }
    return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
  }
}
