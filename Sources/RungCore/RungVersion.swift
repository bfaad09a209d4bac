/// The version of rung recorded with every trial and model.
public enum RungVersion {
    public static let string = "0.1.0"
}
