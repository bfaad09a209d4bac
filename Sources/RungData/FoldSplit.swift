/// One cross-validation fold of a prepared directory, encoded for training: the other
/// folds' rows as training data and this fold's rows as validation data, both encoded by a
/// preprocessor fitted on the training rows only (so no statistic of the held-out fold
/// leaks into training, as in a scikit-learn `Pipeline` under `cross_val_score`).
public struct FoldSplit: Sendable {
    /// The fold, 1…K.
    public var fold: Int
    /// The other folds' rows.
    public var train: EncodedSplit
    /// This fold's rows.
    public var validation: EncodedSplit
}
