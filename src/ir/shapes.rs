//! Per-sample shape arithmetic for static shape inference.
//!
//! A shape is the per-sample part of a Keras tensor shape (the batch axis is
//! left out). Every dimension may be unknown on its own: `None` means "not
//! known statically" and is never guessed; any formula with an unknown input
//! gives an unknown output.

/// One dimension: `Some(n)` when known, `None` when not.
pub type Dim = Option<u64>;

/// A per-sample shape, batch axis excluded.
pub type Shape = Vec<Dim>;

/// Padding modes of the Keras convolution and pooling layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    Valid,
    Same,
    Causal,
}

impl Padding {
    /// Reads a Keras `padding` value; `None` for anything else.
    pub fn parse(s: &str) -> Option<Padding> {
        match s {
            "valid" => Some(Padding::Valid),
            "same" => Some(Padding::Same),
            "causal" => Some(Padding::Causal),
            _ => None,
        }
    }
}

/// Output length of one spatial axis of a convolution or pooling window,
/// as Keras computes it (`conv_output_length`). `None` when the input is
/// unknown, a parameter is zero, or the window does not fit (Keras refuses).
pub fn conv_out(input: Dim, kernel: u64, padding: Padding, stride: u64, dilation: u64) -> Dim {
    let input = input?;
    if kernel == 0 || stride == 0 || dilation == 0 {
        return None;
    }
    let span = dilation.checked_mul(kernel - 1)?.checked_add(1)?;
    let len = match padding {
        Padding::Same | Padding::Causal => input,
        Padding::Valid => input.checked_sub(span)?.checked_add(1)?,
    };
    Some(len.div_ceil(stride))
}

/// Output length of one spatial axis of a transposed convolution
/// (`deconv_output_length` without `output_padding`).
pub fn conv_transpose_out(
    input: Dim,
    kernel: u64,
    padding: Padding,
    stride: u64,
    dilation: u64,
) -> Dim {
    let input = input?;
    if kernel == 0 || stride == 0 || dilation == 0 {
        return None;
    }
    let span = dilation.checked_mul(kernel - 1)?.checked_add(1)?;
    match padding {
        Padding::Same => input.checked_mul(stride),
        Padding::Valid => input
            .checked_mul(stride)?
            .checked_add(span.saturating_sub(stride)),
        Padding::Causal => None,
    }
}

/// The number of elements of a shape, `None` if any dimension is unknown.
pub fn num_elements(shape: &[Dim]) -> Dim {
    shape.iter().try_fold(1u64, |acc, d| acc.checked_mul((*d)?))
}

/// A shape as `model.summary()` writes it without the batch axis:
/// `(28, 28, 1)`, `?` for an unknown dimension, `()` for a scalar.
pub fn display(shape: &[Dim]) -> String {
    let dims: Vec<String> = shape
        .iter()
        .map(|d| d.map_or_else(|| "?".to_string(), |v| v.to_string()))
        .collect();
    format!("({})", dims.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conv_valid_and_same_match_keras() {
        // Conv2D(3, 3) on 224: 222; strides 2 valid on 224 with kernel 3: 111.
        assert_eq!(conv_out(Some(224), 3, Padding::Valid, 1, 1), Some(222));
        assert_eq!(conv_out(Some(224), 3, Padding::Valid, 2, 1), Some(111));
        // same padding keeps ceil(n / stride).
        assert_eq!(conv_out(Some(225), 3, Padding::Same, 2, 1), Some(113));
        // dilation 2, kernel 3 spans 5.
        assert_eq!(conv_out(Some(10), 3, Padding::Valid, 1, 2), Some(6));
        // MaxPooling2D(2) on 7: 3.
        assert_eq!(conv_out(Some(7), 2, Padding::Valid, 2, 1), Some(3));
    }

    #[test]
    fn unknown_or_impossible_stays_unknown() {
        assert_eq!(conv_out(None, 3, Padding::Valid, 1, 1), None);
        assert_eq!(conv_out(Some(2), 3, Padding::Valid, 1, 1), None);
        assert_eq!(conv_out(Some(8), 0, Padding::Valid, 1, 1), None);
        assert_eq!(conv_out(Some(8), 3, Padding::Valid, 0, 1), None);
    }

    #[test]
    fn transpose_conv_matches_keras() {
        assert_eq!(
            conv_transpose_out(Some(7), 3, Padding::Same, 2, 1),
            Some(14)
        );
        assert_eq!(
            conv_transpose_out(Some(7), 3, Padding::Valid, 2, 1),
            Some(15)
        );
        assert_eq!(
            conv_transpose_out(Some(7), 2, Padding::Valid, 2, 1),
            Some(14)
        );
        assert_eq!(conv_transpose_out(None, 3, Padding::Same, 2, 1), None);
    }

    #[test]
    fn displayed_like_keras_without_the_batch_axis() {
        assert_eq!(display(&[Some(28), Some(28), Some(1)]), "(28, 28, 1)");
        assert_eq!(display(&[None, Some(64)]), "(?, 64)");
        assert_eq!(display(&[]), "()");
    }

    #[test]
    fn element_count() {
        assert_eq!(num_elements(&[Some(7), Some(7), Some(512)]), Some(25088));
        assert_eq!(num_elements(&[Some(7), None]), None);
        assert_eq!(num_elements(&[]), Some(1));
    }
}
