import Foundation
import RungCore
@testable import RungTraining

/// The random-forest merge as it was first written, through a parsed document
/// (`ModelJSON`): the reference `ForestMerger`'s byte-level merge must reproduce exactly.
///
/// Each chunk is a one-round gbtree model (`num_parallel_tree` = k) trained from the same
/// base score; XGBoost predicts a chunk as base margin + the sum of its k trees. The forest
/// is base margin + the mean over all T trees of all chunks, so the merged model holds every
/// tree with its leaf values divided by T (in single precision, as XGBoost stores them),
/// `num_parallel_tree` = `num_trees` = T and one round. Plain XGBoost (C or Python) loading
/// it predicts exactly the forest rung evaluates, because rung evaluates this merged model.
struct ReferenceForestMerger {
    /// The trees of each chunk, parsed once.
    private(set) var chunkTrees: [[ModelJSON]] = []
    /// The first chunk's full model, the template for everything except the trees.
    private var template: ModelJSON?

    /// Adds one chunk (an XGBoost JSON model); its base score must match the first chunk's.
    mutating func append(chunk data: Data) throws {
        let model = try ModelJSON.parse(data)
        guard let booster = model["learner"]?["gradient_booster"], booster["name"]?.text == "gbtree",
              let trees = booster["model"]?["trees"]?.arrayValue, !trees.isEmpty else {
            throw RungError.internalFailure("A random-forest chunk is not a gbtree model with trees.")
        }
        if let template {
            let base = template["learner"]?["learner_model_param"]?["base_score"]
            guard model["learner"]?["learner_model_param"]?["base_score"] == base else {
                throw RungError.internalFailure("Random-forest chunks have different base scores.")
            }
        } else {
            template = model
        }
        chunkTrees.append(trees)
    }

    /// Total number of trees.
    var treeCount: Int { chunkTrees.reduce(0) { $0 + $1.count } }

    /// The merged model in XGBoost's JSON format.
    func merged() throws -> Data {
        guard var model = template else { throw RungError.internalFailure("No random-forest chunk to merge.") }
        let total = treeCount
        let divisor = Float(total)
        var trees: [ModelJSON] = []
        trees.reserveCapacity(total)
        for chunk in chunkTrees {
            for var tree in chunk {
                guard let left = tree["left_children"]?.arrayValue, let conditions = tree["split_conditions"]?.arrayValue,
                      left.count == conditions.count else {
                    throw RungError.internalFailure("A random-forest tree lacks left_children or split_conditions.")
                }
                var scaled = conditions
                for n in 0..<left.count where left[n].text == "-1" {
                    guard let raw = conditions[n].text, let leaf = Float(raw) else {
                        throw RungError.internalFailure("A random-forest leaf value is not a number.")
                    }
                    scaled[n] = .number((leaf / divisor).description)
                }
                tree["split_conditions"] = .array(scaled)
                tree["id"] = .number(String(trees.count))
                trees.append(tree)
            }
        }
        var gbtree = model["learner"]!["gradient_booster"]!
        var inner = gbtree["model"]!
        inner["trees"] = .array(trees)
        inner["tree_info"] = .array(Array(repeating: .number("0"), count: total))
        if inner["iteration_indptr"] != nil {
            inner["iteration_indptr"] = .array([.number("0"), .number(String(total))])
        }
        var param = inner["gbtree_model_param"]!
        param["num_trees"] = .string(String(total))
        param["num_parallel_tree"] = .string(String(total))
        inner["gbtree_model_param"] = param
        gbtree["model"] = inner
        var learner = model["learner"]!
        learner["gradient_booster"] = gbtree
        model["learner"] = learner
        return model.serialized()
    }
}
