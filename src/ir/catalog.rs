//! What Keras knows by name: activations, initializers, losses and metrics,
//! with the aliases Keras accepts and the facts rules need about each.

pub mod layers;

/// What an activation does to its input, as far as the guidance cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActFamily {
    /// Identity: `linear` (also what "no activation" means).
    Linear,
    /// ReLU and its piecewise-linear relatives, which want He initialization.
    Relu,
    /// SELU, self-normalizing: wants LeCun-normal initialization and AlphaDropout.
    Selu,
    /// Smooth non-saturating activations: gelu, silu/swish, mish, softplus, ...
    Smooth,
    /// Logistic sigmoid and its hard/log variants: outputs in (0, 1).
    Sigmoid,
    /// tanh-like, saturating, zero-centered: tanh, hard_tanh, softsign.
    Tanh,
    /// Normalizes over the last axis into a distribution.
    Softmax,
    /// `exp`: positive, unbounded.
    Exponential,
    /// Anything else Keras knows (shrink functions, glu, ...).
    Other,
}

impl ActFamily {
    /// Sigmoid or tanh: the saturating activations of the guidance.
    pub fn is_saturating(self) -> bool {
        matches!(self, ActFamily::Sigmoid | ActFamily::Tanh)
    }
    /// Outputs a probability (sigmoid) or a distribution (softmax).
    pub fn is_probability(self) -> bool {
        matches!(self, ActFamily::Sigmoid | ActFamily::Softmax)
    }
    pub fn is_linear(self) -> bool {
        matches!(self, ActFamily::Linear)
    }
}

#[derive(Debug)]
pub struct ActivationInfo {
    pub name: &'static str,
    pub family: ActFamily,
    /// Output is never negative.
    pub non_negative: bool,
    /// Output is strictly positive (suitable for a Poisson rate).
    pub positive: bool,
}

const fn act(
    name: &'static str,
    family: ActFamily,
    non_negative: bool,
    positive: bool,
) -> ActivationInfo {
    ActivationInfo {
        name,
        family,
        non_negative,
        positive,
    }
}

use ActFamily as A;

/// How the editor describes the family, and what the guidance says about it.
impl ActFamily {
    /// The family as a hover names it ("ReLU family").
    pub fn title(self) -> &'static str {
        match self {
            ActFamily::Linear => "linear (identity)",
            ActFamily::Relu => "ReLU family",
            ActFamily::Selu => "SELU (self-normalizing)",
            ActFamily::Smooth => "smooth non-saturating family",
            ActFamily::Sigmoid => "sigmoid family",
            ActFamily::Tanh => "tanh family",
            ActFamily::Softmax => "softmax family",
            ActFamily::Exponential => "exponential",
            ActFamily::Other => "other",
        }
    }

    /// What the guidance says about the family.
    pub fn guidance(self) -> &'static str {
        match self {
            ActFamily::Linear => "No non-linearity. The output of a regression head, and the logits for a loss with `from_logits: true`. Between two weight layers it lets them collapse into one linear map.",
            ActFamily::Relu => "Piecewise linear and non-saturating: the default for hidden layers. Pair with He initialization (`he_normal`, `he_uniform`), or normalize after the layer. Not for the `activation` of LSTM/GRU cells (unbounded state), and not for a probability output.",
            ActFamily::Selu => "Self-normalizing only with `lecun_normal` initialization and `AlphaDropout` in a plain stack of Dense layers.",
            ActFamily::Smooth => "Smooth and non-saturating (GELU, SiLU/swish, mish, softplus): a modern hidden-layer activation; He-style initialization suits it.",
            ActFamily::Sigmoid => "Outputs in (0, 1). The output of binary and multi-label classification (with `binary_crossentropy`) and the gate activation of LSTM/GRU. Saturates in hidden layers: gradients vanish in deep stacks. Pair with Glorot initialization.",
            ActFamily::Tanh => "Outputs in (-1, 1), zero-centered, saturating. The cell activation of LSTM/GRU; in deep MLP/CNN hidden stacks ReLU-family activations train better. Pair with Glorot initialization.",
            ActFamily::Softmax => "Turns N outputs into a distribution that sums to 1: the output of multiclass classification with categorical or sparse categorical crossentropy, over 2 or more units (over 1 unit it always outputs 1.0). For binary classification use 1 sigmoid unit.",
            ActFamily::Exponential => "Positive and unbounded: an output for a rate (Poisson loss); overflows easily in hidden layers.",
            ActFamily::Other => "An activation Keras knows that the guidance has no specific advice for.",
        }
    }
}

/// How the editor describes the family, and what the guidance says about it.
impl InitFamily {
    /// The family as a hover names it ("ReLU family").
    pub fn title(self) -> &'static str {
        match self {
            InitFamily::He => "He (Kaiming) family",
            InitFamily::Glorot => "Glorot (Xavier) family",
            InitFamily::Lecun => "LeCun family",
            InitFamily::VarianceScaling => "variance scaling",
            InitFamily::Orthogonal => "orthogonal",
            InitFamily::Random => "fixed-scale random",
            InitFamily::Constant => "constant",
            InitFamily::Identity => "identity",
            InitFamily::Other => "other",
        }
    }

    /// What the guidance says about the family.
    pub fn guidance(self) -> &'static str {
        match self {
            InitFamily::He => "Variance 2 / fan_in, derived for ReLU-family activations (He et al. 2015). With sigmoid or tanh it starts the units saturated: use Glorot there.",
            InitFamily::Glorot => "Variance 2 / (fan_in + fan_out), derived for sigmoid and tanh (Glorot & Bengio 2010); the Keras default `kernel_initializer`. Under ReLU it halves the signal's variance at every layer: use He there.",
            InitFamily::Lecun => "Variance 1 / fan_in; `lecun_normal` is what SELU's self-normalization assumes.",
            InitFamily::VarianceScaling => "Explicit `scale`, `mode` and `distribution`: scale 2 with fan_in is He, scale 1 with fan_avg is Glorot.",
            InitFamily::Orthogonal => "A random orthogonal matrix: a deliberate choice, common for recurrent kernels; not checked against the activation.",
            InitFamily::Random => "A fixed scale that does not adapt to the layer's size: a deliberate choice (DCGAN's `stddev: 0.02`); a large scale makes activations explode.",
            InitFamily::Constant => "Every unit starts identical, so the units of a kernel receive identical gradients and never learn different features (fine for biases).",
            InitFamily::Identity => "The identity matrix: for square kernels, such as recurrent ones.",
            InitFamily::Other => "An initializer Keras knows that the guidance has no specific advice for.",
        }
    }
}

/// How the editor describes the family, and what the guidance says about it.
impl LossFamily {
    /// The family as a hover names it ("ReLU family").
    pub fn title(self) -> &'static str {
        match self {
            LossFamily::Regression => "regression",
            LossFamily::BinaryCrossentropy => "binary crossentropy",
            LossFamily::CategoricalCrossentropy => "categorical crossentropy",
            LossFamily::SparseCategoricalCrossentropy => "sparse categorical crossentropy",
            LossFamily::KlDivergence => "KL divergence",
            LossFamily::Hinge => "hinge",
            LossFamily::CategoricalHinge => "categorical hinge",
            LossFamily::Poisson => "Poisson",
            LossFamily::Other => "other",
        }
    }

    /// What the guidance says about the family.
    pub fn guidance(self) -> &'static str {
        match self {
            LossFamily::Regression => "Expects an unbounded (linear) output. On a sigmoid or softmax head it trains a classifier as a regression: use a crossentropy there.",
            LossFamily::BinaryCrossentropy => "For binary and multi-label classification: sigmoid outputs (one per label), or linear logits with `from_logits: true`. Not after a softmax.",
            LossFamily::CategoricalCrossentropy => "One-hot labels over a softmax output of 2 or more units, or linear logits with `from_logits: true`.",
            LossFamily::SparseCategoricalCrossentropy => "Integer labels over a softmax output of 2 or more units, or linear logits with `from_logits: true`.",
            LossFamily::KlDivergence => "Compares two distributions: the output should be a softmax.",
            LossFamily::Hinge => "Labels in {-1, 1} and a raw (linear or tanh) output, not a probability.",
            LossFamily::CategoricalHinge => "One-hot labels and raw (linear) outputs, not a softmax.",
            LossFamily::Poisson => "Predicts a rate: the output must be positive (`exponential` or `softplus`).",
            LossFamily::Other => "A loss Keras knows that the guidance has no specific advice for.",
        }
    }
}

/// Every activation function name of `keras.activations` (Keras 3 and
/// tf-keras).
pub static ACTIVATIONS: &[ActivationInfo] = &[
    act("linear", A::Linear, false, false),
    act("relu", A::Relu, true, false),
    act("relu6", A::Relu, true, false),
    act("leaky_relu", A::Relu, false, false),
    act("elu", A::Relu, false, false),
    act("threshold", A::Relu, false, false),
    act("selu", A::Selu, false, false),
    act("celu", A::Smooth, false, false),
    act("gelu", A::Smooth, false, false),
    act("silu", A::Smooth, false, false),
    act("swish", A::Smooth, false, false),
    act("hard_silu", A::Smooth, false, false),
    act("hard_swish", A::Smooth, false, false),
    act("mish", A::Smooth, false, false),
    act("softplus", A::Smooth, true, true),
    act("squareplus", A::Smooth, true, true),
    act("sparse_plus", A::Smooth, true, false),
    act("sigmoid", A::Sigmoid, true, true),
    act("hard_sigmoid", A::Sigmoid, true, false),
    act("sparse_sigmoid", A::Sigmoid, true, false),
    act("log_sigmoid", A::Other, false, false),
    act("tanh", A::Tanh, false, false),
    act("hard_tanh", A::Tanh, false, false),
    act("softsign", A::Tanh, false, false),
    act("tanh_shrink", A::Other, false, false),
    act("softmax", A::Softmax, true, true),
    act("sparsemax", A::Softmax, true, false),
    act("log_softmax", A::Other, false, false),
    act("exponential", A::Exponential, true, true),
    act("glu", A::Other, false, false),
    act("hard_shrink", A::Other, false, false),
    act("soft_shrink", A::Other, false, false),
];

pub fn activation(name: &str) -> Option<&'static ActivationInfo> {
    ACTIVATIONS.iter().find(|a| a.name == name)
}

/// Activation layers (classes) and the activation each applies.
pub fn activation_layer(class: &str) -> Option<&'static str> {
    Some(match class {
        "ReLU" => "relu",
        "LeakyReLU" => "leaky_relu",
        "PReLU" => "leaky_relu",
        "ELU" => "elu",
        "Softmax" => "softmax",
        "ThresholdedReLU" => "threshold",
        _ => return None,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InitFamily {
    /// He / Kaiming: variance 2 / fan, made for ReLU.
    He,
    /// Glorot / Xavier: variance 2 / (fan_in + fan_out), made for sigmoid/tanh.
    Glorot,
    /// LeCun: variance 1 / fan_in, made for SELU.
    Lecun,
    /// `VarianceScaling` with explicit parameters (see the scale).
    VarianceScaling,
    Orthogonal,
    /// Fixed-scale random: RandomNormal, RandomUniform, TruncatedNormal.
    Random,
    /// Zeros, ones, constant: every unit starts the same.
    Constant,
    Identity,
    Other,
}

#[derive(Debug)]
pub struct InitializerInfo {
    /// The snake_case function name.
    pub name: &'static str,
    /// The class name.
    pub class: &'static str,
    pub family: InitFamily,
    /// Other names Keras accepts.
    pub aliases: &'static [&'static str],
}

const fn init(
    name: &'static str,
    class: &'static str,
    family: InitFamily,
    aliases: &'static [&'static str],
) -> InitializerInfo {
    InitializerInfo {
        name,
        class,
        family,
        aliases,
    }
}

use InitFamily as I;

pub static INITIALIZERS: &[InitializerInfo] = &[
    init("he_normal", "HeNormal", I::He, &[]),
    init("he_uniform", "HeUniform", I::He, &[]),
    init(
        "glorot_normal",
        "GlorotNormal",
        I::Glorot,
        &["xavier_normal"],
    ),
    init(
        "glorot_uniform",
        "GlorotUniform",
        I::Glorot,
        &["xavier_uniform"],
    ),
    init("lecun_normal", "LecunNormal", I::Lecun, &[]),
    init("lecun_uniform", "LecunUniform", I::Lecun, &[]),
    init(
        "variance_scaling",
        "VarianceScaling",
        I::VarianceScaling,
        &[],
    ),
    init(
        "orthogonal",
        "Orthogonal",
        I::Orthogonal,
        &["OrthogonalInitializer"],
    ),
    init("random_normal", "RandomNormal", I::Random, &["normal"]),
    init("random_uniform", "RandomUniform", I::Random, &["uniform"]),
    init("truncated_normal", "TruncatedNormal", I::Random, &[]),
    init("zeros", "Zeros", I::Constant, &["zero"]),
    init("ones", "Ones", I::Constant, &["one"]),
    init("constant", "Constant", I::Constant, &[]),
    init(
        "identity",
        "Identity",
        I::Identity,
        &["IdentityInitializer"],
    ),
    init("stft", "STFT", I::Other, &["STFTInitializer"]),
];

pub fn initializer(name: &str) -> Option<&'static InitializerInfo> {
    INITIALIZERS
        .iter()
        .find(|i| i.name == name || i.class == name || i.aliases.contains(&name))
}

/// What a loss says about the task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LossFamily {
    /// mse, mae, mape, msle, huber, log_cosh.
    Regression,
    /// binary crossentropy and binary focal crossentropy.
    BinaryCrossentropy,
    /// categorical crossentropy (one-hot labels) and its focal variant.
    CategoricalCrossentropy,
    /// sparse categorical crossentropy (integer labels).
    SparseCategoricalCrossentropy,
    /// Kullback-Leibler divergence.
    KlDivergence,
    /// hinge, squared hinge.
    Hinge,
    /// categorical hinge.
    CategoricalHinge,
    Poisson,
    /// ctc, dice, tversky, circle, cosine similarity, ...
    Other,
}

impl LossFamily {
    pub fn is_crossentropy(self) -> bool {
        matches!(
            self,
            LossFamily::BinaryCrossentropy
                | LossFamily::CategoricalCrossentropy
                | LossFamily::SparseCategoricalCrossentropy
        )
    }
    pub fn is_categorical(self) -> bool {
        matches!(
            self,
            LossFamily::CategoricalCrossentropy | LossFamily::SparseCategoricalCrossentropy
        )
    }
}

#[derive(Debug)]
pub struct LossInfo {
    pub name: &'static str,
    pub class: &'static str,
    pub family: LossFamily,
    pub aliases: &'static [&'static str],
    /// The loss takes `from_logits`.
    pub has_from_logits: bool,
}

const fn loss(
    name: &'static str,
    class: &'static str,
    family: LossFamily,
    aliases: &'static [&'static str],
    has_from_logits: bool,
) -> LossInfo {
    LossInfo {
        name,
        class,
        family,
        aliases,
        has_from_logits,
    }
}

use LossFamily as L;

pub static LOSSES: &[LossInfo] = &[
    loss(
        "mean_squared_error",
        "MeanSquaredError",
        L::Regression,
        &["mse", "MSE"],
        false,
    ),
    loss(
        "mean_absolute_error",
        "MeanAbsoluteError",
        L::Regression,
        &["mae", "MAE"],
        false,
    ),
    loss(
        "mean_absolute_percentage_error",
        "MeanAbsolutePercentageError",
        L::Regression,
        &["mape", "MAPE"],
        false,
    ),
    loss(
        "mean_squared_logarithmic_error",
        "MeanSquaredLogarithmicError",
        L::Regression,
        &["msle", "MSLE"],
        false,
    ),
    loss("huber", "Huber", L::Regression, &["huber_loss"], false),
    loss("log_cosh", "LogCosh", L::Regression, &["logcosh"], false),
    loss(
        "binary_crossentropy",
        "BinaryCrossentropy",
        L::BinaryCrossentropy,
        &["bce", "BCE"],
        true,
    ),
    loss(
        "binary_focal_crossentropy",
        "BinaryFocalCrossentropy",
        L::BinaryCrossentropy,
        &[],
        true,
    ),
    loss(
        "categorical_crossentropy",
        "CategoricalCrossentropy",
        L::CategoricalCrossentropy,
        &[],
        true,
    ),
    loss(
        "categorical_focal_crossentropy",
        "CategoricalFocalCrossentropy",
        L::CategoricalCrossentropy,
        &[],
        true,
    ),
    loss(
        "sparse_categorical_crossentropy",
        "SparseCategoricalCrossentropy",
        L::SparseCategoricalCrossentropy,
        &[],
        true,
    ),
    loss(
        "kl_divergence",
        "KLDivergence",
        L::KlDivergence,
        &["kld", "KLD", "kullback_leibler_divergence"],
        false,
    ),
    loss("hinge", "Hinge", L::Hinge, &[], false),
    loss("squared_hinge", "SquaredHinge", L::Hinge, &[], false),
    loss(
        "categorical_hinge",
        "CategoricalHinge",
        L::CategoricalHinge,
        &[],
        false,
    ),
    loss("poisson", "Poisson", L::Poisson, &[], false),
    loss(
        "cosine_similarity",
        "CosineSimilarity",
        L::Other,
        &[],
        false,
    ),
    loss("ctc", "CTC", L::Other, &[], false),
    loss("dice", "Dice", L::Other, &[], false),
    loss("tversky", "Tversky", L::Other, &[], false),
    loss("circle", "Circle", L::Other, &[], false),
];

pub fn loss_info(name: &str) -> Option<&'static LossInfo> {
    LOSSES
        .iter()
        .find(|l| l.name == name || l.class == name || l.aliases.contains(&name))
}

/// Every name a user may write for an initializer (for suggestions).
pub fn initializer_names() -> impl Iterator<Item = &'static str> {
    INITIALIZERS.iter().flat_map(|i| {
        [i.name, i.class]
            .into_iter()
            .chain(i.aliases.iter().copied())
    })
}

/// Every name a user may write for a loss (for suggestions).
pub fn loss_names() -> impl Iterator<Item = &'static str> {
    LOSSES.iter().flat_map(|l| {
        [l.name, l.class]
            .into_iter()
            .chain(l.aliases.iter().copied())
    })
}

/// What a metric computes, for the metrics some rule needs to recognize.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricFamily {
    /// `accuracy` / `acc` as a string: Keras picks binary, categorical or
    /// sparse categorical accuracy from the output and label shapes.
    AutoAccuracy,
    /// Binary accuracy: thresholds each prediction (at 0.5 by default).
    BinaryAccuracy,
    /// The other accuracies: categorical, sparse categorical, top-k (argmax
    /// based) and `Accuracy` (exact match).
    Accuracy,
    /// Confusion-matrix metrics that threshold predictions as probabilities
    /// in [0, 1]: precision, recall, AUC, true/false positives, ...
    Thresholded,
}

impl MetricFamily {
    /// Any accuracy: the fraction of predictions that match the label.
    pub fn is_accuracy(self) -> bool {
        !matches!(self, MetricFamily::Thresholded)
    }
}

#[derive(Debug)]
pub struct MetricInfo {
    /// The name messages use (the snake_case function name).
    pub name: &'static str,
    pub family: MetricFamily,
    /// Every spelling Keras accepts (function names, class names, aliases).
    pub names: &'static [&'static str],
}

const fn metric(
    name: &'static str,
    family: MetricFamily,
    names: &'static [&'static str],
) -> MetricInfo {
    MetricInfo {
        name,
        family,
        names,
    }
}

use MetricFamily as M;

/// Accuracy and threshold metrics of `keras.metrics` (Keras 3 and tf-keras).
pub static METRICS: &[MetricInfo] = &[
    metric("accuracy", M::AutoAccuracy, &["accuracy", "acc"]),
    metric("Accuracy", M::Accuracy, &["Accuracy"]),
    metric(
        "binary_accuracy",
        M::BinaryAccuracy,
        &["binary_accuracy", "BinaryAccuracy"],
    ),
    metric(
        "categorical_accuracy",
        M::Accuracy,
        &["categorical_accuracy", "CategoricalAccuracy"],
    ),
    metric(
        "sparse_categorical_accuracy",
        M::Accuracy,
        &["sparse_categorical_accuracy", "SparseCategoricalAccuracy"],
    ),
    metric(
        "top_k_categorical_accuracy",
        M::Accuracy,
        &["top_k_categorical_accuracy", "TopKCategoricalAccuracy"],
    ),
    metric(
        "sparse_top_k_categorical_accuracy",
        M::Accuracy,
        &[
            "sparse_top_k_categorical_accuracy",
            "SparseTopKCategoricalAccuracy",
        ],
    ),
    metric("precision", M::Thresholded, &["precision", "Precision"]),
    metric("recall", M::Thresholded, &["recall", "Recall"]),
    metric("auc", M::Thresholded, &["auc", "AUC"]),
    metric(
        "true_positives",
        M::Thresholded,
        &["true_positives", "TruePositives"],
    ),
    metric(
        "true_negatives",
        M::Thresholded,
        &["true_negatives", "TrueNegatives"],
    ),
    metric(
        "false_positives",
        M::Thresholded,
        &["false_positives", "FalsePositives"],
    ),
    metric(
        "false_negatives",
        M::Thresholded,
        &["false_negatives", "FalseNegatives"],
    ),
    metric(
        "precision_at_recall",
        M::Thresholded,
        &["precision_at_recall", "PrecisionAtRecall"],
    ),
    metric(
        "recall_at_precision",
        M::Thresholded,
        &["recall_at_precision", "RecallAtPrecision"],
    ),
    metric(
        "sensitivity_at_specificity",
        M::Thresholded,
        &["sensitivity_at_specificity", "SensitivityAtSpecificity"],
    ),
    metric(
        "specificity_at_sensitivity",
        M::Thresholded,
        &["specificity_at_sensitivity", "SpecificityAtSensitivity"],
    ),
    metric("binary_io_u", M::Thresholded, &["binary_io_u", "BinaryIoU"]),
];

/// The accuracy or threshold metric a name denotes, when it is one.
pub fn metric_info(name: &str) -> Option<&'static MetricInfo> {
    METRICS.iter().find(|m| m.names.contains(&name))
}

/// Layers with a kernel that a following activation acts on: the "weight
/// layers" of the guidance.
pub fn is_weight_layer(class: &str) -> bool {
    matches!(
        class,
        "Dense"
            | "EinsumDense"
            | "Conv1D"
            | "Conv2D"
            | "Conv3D"
            | "Convolution1D"
            | "Convolution2D"
            | "Convolution3D"
            | "Conv1DTranspose"
            | "Conv2DTranspose"
            | "Conv3DTranspose"
            | "Convolution2DTranspose"
            | "Convolution3DTranspose"
            | "SeparableConv1D"
            | "SeparableConv2D"
            | "SeparableConvolution1D"
            | "SeparableConvolution2D"
            | "DepthwiseConv1D"
            | "DepthwiseConv2D"
            | "LocallyConnected1D"
            | "LocallyConnected2D"
    )
}

/// Recurrent layers whose `activation` / `recurrent_activation` follow the
/// LSTM/GRU conventions.
pub fn is_recurrent_layer(class: &str) -> bool {
    matches!(
        class,
        "LSTM"
            | "GRU"
            | "SimpleRNN"
            | "CuDNNLSTM"
            | "CuDNNGRU"
            | "ConvLSTM1D"
            | "ConvLSTM2D"
            | "ConvLSTM3D"
            | "LSTMCell"
            | "GRUCell"
            | "SimpleRNNCell"
    )
}

/// Recurrent layers with gates (`recurrent_activation`).
pub fn has_gates(class: &str) -> bool {
    matches!(
        class,
        "LSTM" | "GRU" | "ConvLSTM1D" | "ConvLSTM2D" | "ConvLSTM3D" | "LSTMCell" | "GRUCell"
    )
}

pub fn is_normalization(class: &str) -> bool {
    matches!(
        class,
        "BatchNormalization"
            | "SyncBatchNormalization"
            | "LayerNormalization"
            | "GroupNormalization"
            | "UnitNormalization"
            | "RMSNormalization"
            | "SpectralNormalization"
    )
}

/// What a dropout or noise layer does, as far as rules care.
#[derive(Debug)]
pub struct DropoutInfo {
    pub class: &'static str,
    /// Its `rate` is the fraction of units dropped (`GaussianNoise` has a
    /// `stddev` instead).
    pub has_rate: bool,
    /// It zeroes units and scales the ones it keeps (or multiplies them by
    /// noise around 1): the variance it passes on differs between training
    /// and inference, and it breaks selu's self-normalization, which
    /// `AlphaDropout` keeps.
    pub plain: bool,
    /// Every value keeps its sign and is at most rescaled by a positive
    /// factor.
    pub keeps_sign: bool,
}

const fn dropout_info(
    class: &'static str,
    has_rate: bool,
    plain: bool,
    keeps_sign: bool,
) -> DropoutInfo {
    DropoutInfo {
        class,
        has_rate,
        plain,
        keeps_sign,
    }
}

/// The dropout and noise layers of Keras: one table for every rule.
pub static DROPOUTS: &[DropoutInfo] = &[
    dropout_info("Dropout", true, true, true),
    dropout_info("SpatialDropout1D", true, true, true),
    dropout_info("SpatialDropout2D", true, true, true),
    dropout_info("SpatialDropout3D", true, true, true),
    dropout_info("AlphaDropout", true, false, false),
    dropout_info("GaussianDropout", true, true, false),
    dropout_info("GaussianNoise", false, false, false),
];

/// The facts of a dropout or noise layer class.
pub fn dropout(class: &str) -> Option<&'static DropoutInfo> {
    DROPOUTS.iter().find(|d| d.class == class)
}

/// Convolutions of every kind (plain, transposed, separable, depthwise): weight
/// layers that share their kernel across positions.
pub fn is_convolution(class: &str) -> bool {
    (is_weight_layer(class) && class.contains("Conv"))
        || matches!(class, "Deconvolution2D" | "AtrousConvolution2D")
}

/// `Reshape` (Keras 1-3 spell it the same).
pub fn is_reshape(class: &str) -> bool {
    class == "Reshape"
}

/// Dropout and noise layers: identity at inference.
pub fn is_dropout(class: &str) -> bool {
    dropout(class).is_some()
}

/// Layers that only move values around (no arithmetic on them).
pub fn is_shape_layer(class: &str) -> bool {
    matches!(
        class,
        "Flatten"
            | "Reshape"
            | "Permute"
            | "RepeatVector"
            | "Cropping1D"
            | "Cropping2D"
            | "Cropping3D"
            | "ZeroPadding1D"
            | "ZeroPadding2D"
            | "ZeroPadding3D"
            | "Identity"
            | "InputLayer"
            | "Masking"
    )
}

/// Layers whose output has the shape of their (single) input: activations,
/// dropout and noise, normalization, rescaling, masking, and the random
/// augmentation layers that keep the image size. Shape inference passes
/// the input shape through them.
pub fn keeps_shape(class: &str) -> bool {
    activation_layer(class).is_some()
        || is_dropout(class)
        || matches!(
            class,
            "Activation"
                | "BatchNormalization"
                | "SyncBatchNormalization"
                | "LayerNormalization"
                | "GroupNormalization"
                | "UnitNormalization"
                | "RMSNormalization"
                | "Normalization"
                | "Rescaling"
                | "Masking"
                | "Identity"
                | "ActivityRegularization"
                | "RandomFlip"
                | "RandomRotation"
                | "RandomZoom"
                | "RandomContrast"
                | "RandomTranslation"
                | "RandomBrightness"
                | "SpectralNormalization"
                // keras.applications' own layers: ConvNeXt's per-channel scale.
                | "LayerScale"
        )
}

/// Layers without weights (their parameter count is 0 whatever their input).
pub fn has_no_weights(class: &str) -> bool {
    activation_layer(class).is_some_and(|_| class != "PReLU")
        || is_dropout(class)
        || is_elementwise_merge(class)
        || matches!(
            class,
            "Activation"
                | "InputLayer"
                | "Flatten"
                | "Reshape"
                | "Permute"
                | "RepeatVector"
                | "Concatenate"
                | "Masking"
                | "Identity"
                | "Rescaling"
                | "ActivityRegularization"
                | "UnitNormalization"
                | "Cropping1D"
                | "Cropping2D"
                | "Cropping3D"
                | "ZeroPadding1D"
                | "ZeroPadding2D"
                | "ZeroPadding3D"
                | "UpSampling1D"
                | "UpSampling2D"
                | "UpSampling3D"
                | "RandomFlip"
                | "RandomRotation"
                | "RandomZoom"
                | "RandomContrast"
                | "RandomTranslation"
                | "RandomBrightness"
        )
        || pooling(class).is_some()
}

/// Merge layers applied element by element, with Keras's broadcasting of
/// their input shapes (InceptionResNetV2's `CustomScaleLayer` adds a
/// scaled branch to its input the same way).
pub fn is_elementwise_merge(class: &str) -> bool {
    matches!(
        class,
        "Add" | "Subtract" | "Multiply" | "Average" | "Maximum" | "Minimum" | "CustomScaleLayer"
    )
}

/// What kind of pooling a pooling layer class does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pooling {
    /// Spatial axes: 1, 2 or 3.
    pub rank: usize,
    /// Global pooling reduces every spatial axis.
    pub global: bool,
}

/// The pooling layers (both spellings: `MaxPooling2D` and `MaxPool2D`).
pub fn pooling(class: &str) -> Option<Pooling> {
    let rest = class
        .strip_prefix("Global")
        .map(|r| (r, true))
        .unwrap_or((class, false));
    let (body, global) = rest;
    let body = body
        .strip_prefix("MaxPooling")
        .or_else(|| body.strip_prefix("AveragePooling"))
        .or_else(|| body.strip_prefix("MaxPool"))
        .or_else(|| body.strip_prefix("AvgPool"))?;
    let rank = match body {
        "1D" => 1,
        "2D" => 2,
        "3D" => 3,
        _ => return None,
    };
    Some(Pooling { rank, global })
}

/// What kind of convolution a convolution layer class is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvKind {
    Plain,
    Transpose,
    Separable,
    Depthwise,
}

/// The convolution layers: their kind and number of spatial axes (both
/// spellings: `Conv2D` and `Convolution2D`).
pub fn convolution(class: &str) -> Option<(ConvKind, usize)> {
    let (kind, body) = if let Some(b) = class.strip_prefix("Separable") {
        (ConvKind::Separable, b)
    } else if let Some(b) = class.strip_prefix("Depthwise") {
        (ConvKind::Depthwise, b)
    } else {
        (ConvKind::Plain, class)
    };
    let body = body
        .strip_prefix("Convolution")
        .or_else(|| body.strip_prefix("Conv"))?;
    let (body, kind) = match body.strip_suffix("Transpose") {
        Some(b) if kind == ConvKind::Plain => (b, ConvKind::Transpose),
        Some(_) => return None,
        None => (body, kind),
    };
    let rank = match body {
        "1D" => 1,
        "2D" => 2,
        "3D" => 3,
        _ => return None,
    };
    Some((kind, rank))
}

/// The least per-sample rank (batch axis left out) a layer's input must
/// have, where Keras checks it when the model is built: `(steps, channels)`
/// for the 1D convolutions and poolings and the recurrent layers, one more
/// axis per spatial dimension for the others.
pub fn min_input_rank(class: &str) -> Option<usize> {
    if let Some((_, n)) = convolution(class) {
        return Some(n + 1);
    }
    if let Some(p) = pooling(class) {
        return Some(p.rank + 1);
    }
    matches!(
        class,
        "LSTM" | "GRU" | "SimpleRNN" | "CuDNNLSTM" | "CuDNNGRU"
    )
    .then_some(2)
}

/// Wrappers that hold one layer under `layer` (and `backward_layer`).
pub fn is_wrapper(class: &str) -> bool {
    matches!(class, "Bidirectional" | "TimeDistributed" | "RNN")
}

/// Model classes that can appear as layers.
pub fn is_model_class(class: &str) -> bool {
    matches!(class, "Sequential" | "Functional" | "Model")
}

/// The constructor parameters a layer class takes positionally, in order,
/// as far as Keras 2 and Keras 3 agree (`Dense(10, "relu")` is units, then
/// activation). Beyond the listed ones the generations differ (Keras 2.1's
/// `Conv2D` has no `groups`), so a positional argument past the list is not
/// known. `None`: a class whose order is not recorded here.
pub fn positional_params(class: &str) -> Option<&'static [&'static str]> {
    weight_positional_params(class).or_else(|| weightless_positional_params(class))
}

/// [`positional_params`] of the layers with weights (dense, convolutional,
/// recurrent, embedding).
fn weight_positional_params(class: &str) -> Option<&'static [&'static str]> {
    const CONV: &[&str] = &[
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "data_format",
        "dilation_rate",
    ];
    const GATED: &[&str] = &[
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "kernel_initializer",
        "recurrent_initializer",
    ];
    Some(match class {
        "Dense" => &[
            "units",
            "activation",
            "use_bias",
            "kernel_initializer",
            "bias_initializer",
        ],
        "Conv1D" | "Conv2D" | "Conv3D" | "Convolution1D" | "Convolution2D" | "Convolution3D" => {
            CONV
        }
        "Conv1DTranspose"
        | "Conv2DTranspose"
        | "Conv3DTranspose"
        | "Convolution2DTranspose"
        | "Convolution3DTranspose"
        | "SeparableConv1D"
        | "SeparableConv2D"
        | "SeparableConvolution1D"
        | "SeparableConvolution2D" => &["filters", "kernel_size", "strides", "padding"],
        "DepthwiseConv1D" | "DepthwiseConv2D" => {
            &["kernel_size", "strides", "padding", "depth_multiplier"]
        }
        "LSTM" | "GRU" | "CuDNNLSTM" | "CuDNNGRU" | "LSTMCell" | "GRUCell" => GATED,
        "SimpleRNN" | "SimpleRNNCell" => &[
            "units",
            "activation",
            "use_bias",
            "kernel_initializer",
            "recurrent_initializer",
        ],
        "Embedding" => &["input_dim", "output_dim", "embeddings_initializer"],
        _ => return None,
    })
}

/// [`positional_params`] of the layers without weights.
fn weightless_positional_params(class: &str) -> Option<&'static [&'static str]> {
    const POOL: &[&str] = &["pool_size", "strides", "padding", "data_format"];
    Some(match class {
        "Dropout" | "SpatialDropout1D" | "SpatialDropout2D" | "SpatialDropout3D"
        | "AlphaDropout" | "GaussianDropout" => &["rate"],
        "GaussianNoise" => &["stddev"],
        "Activation" => &["activation"],
        "Flatten"
        | "GlobalAveragePooling1D"
        | "GlobalAveragePooling2D"
        | "GlobalAveragePooling3D"
        | "GlobalMaxPooling1D"
        | "GlobalMaxPooling2D"
        | "GlobalMaxPooling3D" => &["data_format"],
        "Reshape" => &["target_shape"],
        "Permute" => &["dims"],
        "RepeatVector" => &["n"],
        "MaxPooling1D" | "MaxPooling2D" | "MaxPooling3D" | "AveragePooling1D"
        | "AveragePooling2D" | "AveragePooling3D" | "MaxPool1D" | "MaxPool2D" | "MaxPool3D"
        | "AvgPool1D" | "AvgPool2D" | "AvgPool3D" => POOL,
        "BatchNormalization" => &["axis", "momentum", "epsilon", "center", "scale"],
        "LayerNormalization" => &["axis", "epsilon", "center", "scale"],
        "Bidirectional" => &["layer", "merge_mode"],
        "TimeDistributed" => &["layer"],
        "Concatenate" | "Softmax" => &["axis"],
        "Add" | "Subtract" | "Multiply" | "Average" | "Maximum" | "Minimum" => &[],
        "ZeroPadding1D" | "ZeroPadding2D" | "ZeroPadding3D" => &["padding"],
        "Cropping1D" | "Cropping2D" | "Cropping3D" => &["cropping"],
        "UpSampling1D" | "UpSampling2D" | "UpSampling3D" => &["size"],
        "ReLU" => &["max_value", "negative_slope", "threshold"],
        "ELU" => &["alpha"],
        "InputLayer" | "Input" => &["shape", "batch_size"],
        "Rescaling" => &["scale", "offset"],
        "Normalization" => &["axis", "mean", "variance"],
        "Lambda" => &["function", "output_shape", "mask", "arguments"],
        "Masking" => &["mask_value"],
        "Resizing" | "CenterCrop" | "RandomCrop" => &["height", "width"],
        "RandomFlip" => &["mode"],
        "RandomRotation" | "RandomContrast" | "RandomBrightness" => &["factor"],
        "RandomZoom" | "RandomTranslation" => &["height_factor", "width_factor"],
        "MultiHeadAttention" => &["num_heads", "key_dim"],
        _ => return None,
    })
}

/// The constructor parameters of the Keras objects passed as arguments
/// (initializers, losses), in order, where Keras 2 and 3 agree.
pub fn object_positional_params(class: &str) -> &'static [&'static str] {
    match class {
        "VarianceScaling" => &["scale", "mode", "distribution", "seed"],
        "RandomNormal" | "TruncatedNormal" | "random_normal" | "truncated_normal" => {
            &["mean", "stddev", "seed"]
        }
        "RandomUniform" | "random_uniform" => &["minval", "maxval", "seed"],
        "Constant" | "constant" => &["value"],
        "GlorotNormal" | "GlorotUniform" | "HeNormal" | "HeUniform" | "LecunNormal"
        | "LecunUniform" | "Orthogonal" | "glorot_normal" | "glorot_uniform" | "he_normal"
        | "he_uniform" | "lecun_normal" | "lecun_uniform" => &["seed"],
        "BinaryCrossentropy" | "CategoricalCrossentropy" | "SparseCategoricalCrossentropy" => {
            &["from_logits"]
        }
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn convolution_and_pooling_classes() {
        assert_eq!(convolution("Conv2D"), Some((ConvKind::Plain, 2)));
        assert_eq!(convolution("Convolution1D"), Some((ConvKind::Plain, 1)));
        assert_eq!(
            convolution("Conv3DTranspose"),
            Some((ConvKind::Transpose, 3))
        );
        assert_eq!(
            convolution("SeparableConv2D"),
            Some((ConvKind::Separable, 2))
        );
        assert_eq!(
            convolution("DepthwiseConv2D"),
            Some((ConvKind::Depthwise, 2))
        );
        assert_eq!(convolution("ConvLSTM2D"), None);
        assert_eq!(
            pooling("GlobalAveragePooling2D"),
            Some(Pooling {
                rank: 2,
                global: true
            })
        );
        assert_eq!(
            pooling("MaxPool1D"),
            Some(Pooling {
                rank: 1,
                global: false
            })
        );
        assert_eq!(pooling("Pooling2D"), None);
        assert!(keeps_shape("Dropout") && keeps_shape("ReLU") && !keeps_shape("Dense"));
    }

    #[test]
    fn both_spellings_resolve() {
        assert_eq!(initializer("HeNormal").unwrap().name, "he_normal");
        assert_eq!(loss_info("mse").unwrap().class, "MeanSquaredError");
        assert_eq!(loss_info("kld").unwrap().family, LossFamily::KlDivergence);
    }
}
