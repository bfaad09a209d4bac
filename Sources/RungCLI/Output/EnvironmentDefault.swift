import Foundation

/// The one rule for defaults taken from the environment (docs/cli.md): a variable that is
/// unset or set to the empty string means "not given", so the built-in default applies.
public enum EnvironmentDefault {
    /// The value of `name` in `environment`, or nil when it is unset or empty.
    public static func value(_ name: String, in environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// The option's value when given, else the variable `name` when set and not empty, else
    /// `fallback`.
    public static func resolve(_ option: String?, _ name: String, else fallback: String,
                        in environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        option ?? value(name, in: environment) ?? fallback
    }
}
