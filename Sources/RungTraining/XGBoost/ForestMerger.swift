import Foundation
import RungCore

/// Builds one XGBoost model that predicts the average of a random forest grown in chunks.
///
/// Each chunk is a one-round gbtree model (`num_parallel_tree` = k) trained from the same
/// base score; XGBoost predicts a chunk as base margin + the sum of its k trees. The forest
/// is base margin + the mean over all T trees of all chunks, so the merged model holds every
/// tree with its leaf values divided by T (in single precision, as XGBoost stores them),
/// `num_parallel_tree` = `num_trees` = T and one round. Plain XGBoost (C or Python) loading
/// it predicts exactly the forest rung evaluates, because rung evaluates this merged model.
///
/// The merge works on the chunks' bytes: `append` scans a chunk once (no document tree) and
/// remembers where each tree, its `id` and its leaf values are; `merged()` copies the first
/// chunk with the trees and the counts spliced in, each tree copied byte for byte except its
/// id and its leaf values. Everything not edited keeps XGBoost's own text.
struct ForestMerger {
    /// One tree of a chunk: where it lies, where its id is, and its leaves.
    private struct Tree {
        let chunk: Int
        let span: Range<Int>
        let id: Range<Int>
        /// Each leaf's value text (in `split_conditions`) and its value.
        let leaves: [(span: Range<Int>, value: Float)]
    }

    /// Where the first chunk holds what the merge replaces.
    private struct Template {
        let trees: Range<Int>
        let treeInfo: Range<Int>
        let iterationIndptr: Range<Int>?
        let numTrees: Range<Int>
        let numParallelTree: Range<Int>
        let baseScore: [UInt8]
    }

    private var chunks: [[UInt8]] = []
    private var trees: [Tree] = []
    private var template: Template?

    /// Adds one chunk (an XGBoost JSON model); its base score must match the first chunk's.
    mutating func append(chunk data: Data) throws {
        let bytes = [UInt8](data)
        let scanner = JSONScanner(bytes: bytes)
        let root = try scanner.members(ofObjectAt: 0)
        let learner = try scanner.members(ofObjectAt: Self.value("learner", in: root).lowerBound)
        let booster = try scanner.members(ofObjectAt: Self.value("gradient_booster", in: learner).lowerBound)
        guard let name = booster["name"], bytes[name].elementsEqual("\"gbtree\"".utf8) else {
            throw RungError.internalFailure("A random-forest chunk is not a gbtree model with trees.")
        }
        let model = try scanner.members(ofObjectAt: Self.value("model", in: booster).lowerBound)
        let treeSpans = try scanner.elements(ofArrayAt: Self.value("trees", in: model).lowerBound)
        guard !treeSpans.isEmpty else {
            throw RungError.internalFailure("A random-forest chunk is not a gbtree model with trees.")
        }
        let learnerParam = try scanner.members(ofObjectAt: Self.value("learner_model_param", in: learner).lowerBound)
        let baseScore = Array(bytes[try Self.value("base_score", in: learnerParam)])
        if let template {
            guard baseScore == template.baseScore else {
                throw RungError.internalFailure("Random-forest chunks have different base scores.")
            }
        } else {
            let param = try scanner.members(ofObjectAt: Self.value("gbtree_model_param", in: model).lowerBound)
            template = Template(trees: try Self.value("trees", in: model), treeInfo: try Self.value("tree_info", in: model),
                                iterationIndptr: model["iteration_indptr"],
                                numTrees: try Self.value("num_trees", in: param),
                                numParallelTree: try Self.value("num_parallel_tree", in: param), baseScore: baseScore)
        }
        let chunk = chunks.count
        var parsed: [Tree] = []
        parsed.reserveCapacity(treeSpans.count)
        for span in treeSpans {
            let tree = try scanner.members(ofObjectAt: span.lowerBound)
            guard let left = tree["left_children"], let conditions = tree["split_conditions"], let id = tree["id"] else {
                throw RungError.internalFailure("A random-forest tree lacks left_children, split_conditions or id.")
            }
            let children = try scanner.elements(ofArrayAt: left.lowerBound)
            let values = try scanner.elements(ofArrayAt: conditions.lowerBound)
            guard children.count == values.count else {
                throw RungError.internalFailure("A random-forest tree lacks left_children or split_conditions.")
            }
            var leaves: [(span: Range<Int>, value: Float)] = []
            for n in children.indices where scanner.isMinusOne(children[n]) {
                guard let leaf = scanner.float(values[n]) else {
                    throw RungError.internalFailure("A random-forest leaf value is not a number.")
                }
                leaves.append((values[n], leaf))
            }
            parsed.append(Tree(chunk: chunk, span: span, id: id, leaves: leaves))
        }
        chunks.append(bytes)
        trees.append(contentsOf: parsed)
    }

    /// Total number of trees.
    var treeCount: Int { trees.count }

    /// The merged model in XGBoost's JSON format.
    func merged() throws -> Data {
        guard let template, let first = chunks.first else { throw RungError.internalFailure("No random-forest chunk to merge.") }
        let total = trees.count
        let divisor = Float(total)
        var treesText: [UInt8] = [UInt8(ascii: "[")]
        treesText.reserveCapacity(trees.reduce(0) { $0 + $1.span.count } + 16 * total)
        for (index, tree) in trees.enumerated() {
            if index > 0 { treesText.append(UInt8(ascii: ",")) }
            let bytes = chunks[tree.chunk]
            var at = tree.span.lowerBound
            // The id comes before or after the leaves depending on the key order: splice in position order.
            var edits: [(span: Range<Int>, text: String)] = tree.leaves.map { ($0.span, ($0.value / divisor).description) }
            let idEdit = (span: tree.id, text: String(index))
            if let i = edits.firstIndex(where: { $0.span.lowerBound > tree.id.lowerBound }) {
                edits.insert(idEdit, at: i)
            } else {
                edits.append(idEdit)
            }
            for edit in edits {
                treesText.append(contentsOf: bytes[at..<edit.span.lowerBound])
                treesText.append(contentsOf: edit.text.utf8)
                at = edit.span.upperBound
            }
            treesText.append(contentsOf: bytes[at..<tree.span.upperBound])
        }
        treesText.append(UInt8(ascii: "]"))

        var replacements: [(span: Range<Int>, text: [UInt8])] = [
            (template.trees, treesText),
            (template.treeInfo, Array(("[" + Array(repeating: "0", count: total).joined(separator: ",") + "]").utf8)),
            (template.numTrees, Array("\"\(total)\"".utf8)),
            (template.numParallelTree, Array("\"\(total)\"".utf8)),
        ]
        if let indptr = template.iterationIndptr { replacements.append((indptr, Array("[0,\(total)]".utf8))) }
        replacements.sort { $0.span.lowerBound < $1.span.lowerBound }
        var out: [UInt8] = []
        out.reserveCapacity(first.count + treesText.count)
        var at = 0
        for replacement in replacements {
            out.append(contentsOf: first[at..<replacement.span.lowerBound])
            out.append(contentsOf: replacement.text)
            at = replacement.span.upperBound
        }
        out.append(contentsOf: first[at...])
        return Data(out)
    }

    private static func value(_ key: String, in members: JSONScanner.Members) throws -> Range<Int> {
        guard let span = members[key] else {
            throw RungError.internalFailure("A random-forest chunk has no '\(key)' where XGBoost's JSON model has one.")
        }
        return span
    }
}
