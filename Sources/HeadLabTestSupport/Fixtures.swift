import Foundation

/// Locates test fixtures committed under `Tests/<Target>/Resources`.
public enum Fixtures {
  /// The `Resources` folder copied into a test bundle; pass the test target's `Bundle.module`.
  public static func resources(in bundle: Bundle) -> URL {
    guard let url = bundle.url(forResource: "Resources", withExtension: nil) else {
      fatalError("test bundle \(bundle.bundlePath) has no Resources folder")
    }
    return url
  }
}
