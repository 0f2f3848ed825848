//! Scores: multi-label micro/macro/per-label F1, multi-class macro-F1, and LawBench's accuracy for
//! task 2-2 (争议焦点识别) as its scoring code (`evaluation/evaluation_functions/jdzy.py` with
//! `multi_choice_judge` in `evaluation/utils/function_utils.py`, open-compass/LawBench) computes it.

use serde::{Deserialize, Serialize};

/// True positives, false positives and false negatives of one label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Predicted and gold.
    pub tp: u32,
    /// Predicted, not gold.
    pub fp: u32,
    /// Gold, not predicted.
    pub fn_: u32,
}

impl Counts {
    /// F1 = 2tp / (2tp + fp + fn); 0 when there is nothing predicted and nothing gold.
    pub fn f1(self) -> f64 {
        let d = 2 * self.tp + self.fp + self.fn_;
        if d == 0 {
            0.0
        } else {
            f64::from(2 * self.tp) / f64::from(d)
        }
    }
}

/// Multi-label scores over a set of examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiLabelScores {
    /// F1 of the pooled counts of all labels.
    pub micro_f1: f64,
    /// Mean F1 over the labels that have at least one gold or predicted example.
    pub macro_f1: f64,
    /// Per label: (label, counts, F1, gold support).
    pub per_label: Vec<(String, Counts, f64, u32)>,
}

/// Scores multi-label predictions. `gold[i][k]` and `pred[i][k]` say whether example `i` has
/// label `k`. Labels with no gold and no predicted example are left out of the macro mean
/// (their F1 is undefined).
pub fn multilabel(labels: &[String], gold: &[Vec<bool>], pred: &[Vec<bool>]) -> MultiLabelScores {
    let mut counts = vec![Counts::default(); labels.len()];
    for (g, p) in gold.iter().zip(pred) {
        for (k, c) in counts.iter_mut().enumerate() {
            match (
                g.get(k).copied().unwrap_or(false),
                p.get(k).copied().unwrap_or(false),
            ) {
                (true, true) => c.tp += 1,
                (false, true) => c.fp += 1,
                (true, false) => c.fn_ += 1,
                (false, false) => {}
            }
        }
    }
    let total = counts.iter().fold(Counts::default(), |a, c| Counts {
        tp: a.tp + c.tp,
        fp: a.fp + c.fp,
        fn_: a.fn_ + c.fn_,
    });
    let defined: Vec<f64> = counts
        .iter()
        .filter(|c| c.tp + c.fp + c.fn_ > 0)
        .map(|c| c.f1())
        .collect();
    let macro_f1 = if defined.is_empty() {
        0.0
    } else {
        defined.iter().sum::<f64>() / defined.len() as f64
    };
    MultiLabelScores {
        micro_f1: total.f1(),
        macro_f1,
        per_label: labels
            .iter()
            .zip(&counts)
            .map(|(l, c)| (l.clone(), *c, c.f1(), c.tp + c.fn_))
            .collect(),
    }
}

/// Accuracy and macro-F1 of single-label predictions (class indices). The macro mean runs over
/// the classes that occur in `gold` or `pred`.
pub fn multiclass(n_classes: usize, gold: &[usize], pred: &[usize]) -> (f64, f64) {
    let mut counts = vec![Counts::default(); n_classes];
    let mut right = 0usize;
    for (&g, &p) in gold.iter().zip(pred) {
        if g == p {
            right += 1;
            if let Some(c) = counts.get_mut(g) {
                c.tp += 1;
            }
        } else {
            if let Some(c) = counts.get_mut(p) {
                c.fp += 1;
            }
            if let Some(c) = counts.get_mut(g) {
                c.fn_ += 1;
            }
        }
    }
    let defined: Vec<f64> = counts
        .iter()
        .filter(|c| c.tp + c.fp + c.fn_ > 0)
        .map(|c| c.f1())
        .collect();
    let acc = if gold.is_empty() {
        0.0
    } else {
        right as f64 / gold.len() as f64
    };
    let macro_f1 = if defined.is_empty() {
        0.0
    } else {
        defined.iter().sum::<f64>() / defined.len() as f64
    };
    (acc, macro_f1)
}

/// LawBench 2-2's option list, in its scoring code's order.
pub const LAWBENCH_FOCUS_OPTIONS: [&str; 16] = [
    "诉讼主体",
    "租金情况",
    "利息",
    "本金争议",
    "责任认定",
    "责任划分",
    "损失认定及处理",
    "原审判决是否适当",
    "合同效力",
    "财产分割",
    "责任承担",
    "鉴定结论采信问题",
    "诉讼时效",
    "违约",
    "合同解除",
    "肇事逃逸",
];

/// LawBench's `multi_choice_judge`: 1 when the answer option occurs in the prediction and no
/// other option does (an option counts once however often it occurs), else 0.
pub fn lawbench_judge(prediction: &str, answer: &str) -> bool {
    let named: Vec<&str> = LAWBENCH_FOCUS_OPTIONS
        .iter()
        .copied()
        .filter(|o| prediction.contains(o))
        .collect();
    named.len() == 1 && named[0] == answer
}

/// LawBench's `compute_jdzy`: the accuracy of `(prediction, reference)` pairs, the reference
/// written `争议焦点类别：X。`; items whose class is 赔偿 are skipped, as in the original. `None`
/// when a reference is not of that form or names no option (the original asserts).
pub fn lawbench_jdzy_accuracy(pairs: &[(String, String)]) -> Option<f64> {
    let mut scored = 0usize;
    let mut right = 0usize;
    for (prediction, reference) in pairs {
        let class = reference.strip_prefix("争议焦点类别：")?;
        let class = class.strip_suffix('。').unwrap_or(class);
        if class == "赔偿" {
            continue;
        }
        if !LAWBENCH_FOCUS_OPTIONS.contains(&class) {
            return None;
        }
        scored += 1;
        right += usize::from(lawbench_judge(prediction, class));
    }
    (scored > 0).then(|| right as f64 / scored as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("L{i}")).collect()
    }

    #[test]
    fn multilabel_by_hand() {
        // 3 examples, 2 labels.
        // L1: gold [1,0,1], pred [1,1,0] -> tp 1, fp 1, fn 1 -> F1 = 2/4 = 0.5
        // L2: gold [0,1,0], pred [0,1,0] -> tp 1 -> F1 = 1
        // micro: tp 2, fp 1, fn 1 -> 4/6; macro: 0.75
        let gold = vec![vec![true, false], vec![false, true], vec![true, false]];
        let pred = vec![vec![true, false], vec![true, true], vec![false, false]];
        let s = multilabel(&labels(2), &gold, &pred);
        assert!((s.micro_f1 - 4.0 / 6.0).abs() < 1e-12);
        assert!((s.macro_f1 - 0.75).abs() < 1e-12);
        assert_eq!(
            s.per_label[0].1,
            Counts {
                tp: 1,
                fp: 1,
                fn_: 1
            }
        );
        assert_eq!(s.per_label[1].3, 1);
    }

    #[test]
    fn multilabel_skips_labels_never_seen_in_macro() {
        let gold = vec![vec![true, false]];
        let pred = vec![vec![true, false]];
        let s = multilabel(&labels(2), &gold, &pred);
        assert_eq!(s.macro_f1, 1.0);
        assert_eq!(s.per_label[1].2, 0.0);
    }

    #[test]
    fn multiclass_by_hand() {
        // gold 0 0 1 2, pred 0 1 1 1: acc 2/4.
        // class 0: tp1 fn1 -> 2/3; class 1: tp1 fp2 -> 2/4; class 2: fn1 -> 0. macro = (2/3+1/2+0)/3
        let (acc, mf1) = multiclass(4, &[0, 0, 1, 2], &[0, 1, 1, 1]);
        assert_eq!(acc, 0.5);
        assert!((mf1 - (2.0 / 3.0 + 0.5) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn lawbench_judge_needs_the_answer_alone() {
        assert!(lawbench_judge("[争议焦点]本金争议<eoa>", "本金争议"));
        assert!(lawbench_judge("本金争议，本金争议", "本金争议"));
        assert!(!lawbench_judge("本金争议或利息", "本金争议"));
        assert!(!lawbench_judge("无法判断", "本金争议"));
        assert!(!lawbench_judge("利息", "本金争议"));
    }

    #[test]
    fn lawbench_accuracy_skips_compensation_items() {
        let pairs = vec![
            ("利息".to_owned(), "争议焦点类别：利息。".to_owned()),
            ("违约".to_owned(), "争议焦点类别：合同解除。".to_owned()),
            ("任何".to_owned(), "争议焦点类别：赔偿。".to_owned()),
        ];
        assert_eq!(lawbench_jdzy_accuracy(&pairs), Some(0.5));
        let bad = vec![("利息".to_owned(), "利息".to_owned())];
        assert_eq!(lawbench_jdzy_accuracy(&bad), None);
    }
}
