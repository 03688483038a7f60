//! Trade-to-trade rows in the models, with the hand numbers of
//! `tests/reference/README.md` ("Hand example, span 3"), computed there with numpy. See #10.

use approx::assert_relative_eq;

use super::*;

/// Estimation rows `(s, M, y)`.
const ROWS: [(f64, f64, f64); 6] = [
    (1.0, 0.01, 0.012),
    (1.0, -0.02, -0.018),
    (2.0, 0.015, 0.02),
    (1.0, 0.005, 0.01),
    (3.0, 0.03, 0.05),
    (1.0, -0.01, -0.004),
];

fn fit(kind: ModelKind) -> Fitted {
    let s: Vec<f64> = ROWS.iter().map(|r| r.0).collect();
    let m: Vec<f64> = ROWS.iter().map(|r| r.1).collect();
    let y: Vec<f64> = ROWS.iter().map(|r| r.2).collect();
    Fitted::fit(
        kind,
        1,
        &Estimation {
            stock: &y,
            market: &m,
            span: &s,
            ..Estimation::default()
        },
    )
    .unwrap()
}

/// The hand row: a 2-day halt, close 10 → 11.5 with prev_close 10, market 100 → 103.
fn hand_row() -> (f64, Regressors) {
    (
        11.5 / 10.0 - 1.0,
        Regressors::spanned(3.0, 103.0 / 100.0 - 1.0),
    )
}

#[test]
fn span_three_row_has_the_return_since_the_last_trade_and_the_market_over_three_days() {
    let (r, x) = hand_row();
    assert_eq!(r, 0.149_999_999_999_999_9);
    assert_eq!(x.market, 0.030_000_000_000_000_027);
    // With alpha 0.001 and beta 1.2 the intercept counts three times.
    let f = FittedMarketModel {
        alpha: 0.001,
        beta: 1.2,
        sigma2: 1.0,
        n: 10,
        sum_span: 10.0,
        mean_market: 0.0,
        ss_market: 1.0,
        r2: 0.0,
    };
    assert_relative_eq!(
        f.normal(&x),
        0.039_000_000_000_000_035,
        max_relative = 1e-15
    );
    assert_relative_eq!(
        r - f.normal(&x),
        0.110_999_999_999_999_88,
        max_relative = 1e-14
    );
}

#[test]
fn market_model_weights_a_span_row_by_one_over_its_span() {
    let f = fit(ModelKind::Market);
    assert_relative_eq!(
        f.alpha().unwrap(),
        0.004_269_629_629_629_632,
        max_relative = 1e-12
    );
    assert_relative_eq!(
        f.beta().unwrap(),
        1.052_444_444_444_444_7,
        max_relative = 1e-12
    );
    assert_relative_eq!(f.sigma2(), 8.619_259_259_259_264e-6, max_relative = 1e-12);
    assert_eq!(f.df_resid(), 4);
    let (r, x) = hand_row();
    assert_relative_eq!(f.normal(&x), 0.044_382_222_222_222_27, max_relative = 1e-12);
    assert_relative_eq!(
        f.ar_variance(&x),
        3.815_458_765_432_102_6e-5,
        max_relative = 1e-12
    );
    let sar = (r - f.normal(&x)) / f.ar_variance(&x).sqrt();
    assert_relative_eq!(sar, 17.098_721_685_661_21, max_relative = 1e-12);
    // Two rows: the hand row and (s 1, M 0.01, R 0.02).
    let mut g = x;
    g += &Regressors::daily(0.01);
    let car = (r - f.normal(&x)) + (0.02 - f.normal(&Regressors::daily(0.01)));
    assert_relative_eq!(car, 0.110_823_703_703_703_56, max_relative = 1e-12);
    assert_relative_eq!(
        f.sigma2() * f.window_factor(&g),
        5.633_803_237_311_391e-5,
        max_relative = 1e-12
    );
}

#[test]
fn mean_model_is_the_sum_of_returns_over_the_sum_of_spans() {
    let f = fit(ModelKind::Mean);
    assert_relative_eq!(
        f.alpha().unwrap(),
        0.007_777_777_777_777_777,
        max_relative = 1e-14
    );
    assert_relative_eq!(
        f.sigma2(),
        0.000_214_577_777_777_777_76,
        max_relative = 1e-12
    );
    let (r, x) = hand_row();
    assert_relative_eq!(f.normal(&x), 0.023_333_333_333_333_33, max_relative = 1e-14);
    assert_relative_eq!(
        f.ar_variance(&x),
        0.000_858_311_111_111_110_9,
        max_relative = 1e-12
    );
    assert_relative_eq!(
        (r - f.normal(&x)) / f.ar_variance(&x).sqrt(),
        4.323_544_910_894_332_5,
        max_relative = 1e-12
    );
}

#[test]
fn market_adjusted_variance_of_a_span_row_is_span_times_sigma2() {
    let f = fit(ModelKind::MarketAdjusted);
    assert_relative_eq!(f.sigma2(), 7.411_111_111_111_112e-6, max_relative = 1e-12);
    let (r, x) = hand_row();
    assert_relative_eq!(
        r - f.normal(&x),
        0.119_999_999_999_999_88,
        max_relative = 1e-14
    );
    assert_relative_eq!(f.ar_variance(&x), 3.0 * f.sigma2(), max_relative = 1e-15);
    assert_relative_eq!(
        (r - f.normal(&x)) / f.ar_variance(&x).sqrt(),
        25.449_482_547_176_46,
        max_relative = 1e-12
    );
}

#[test]
fn all_spans_one_gives_ordinary_least_squares_to_the_bit() {
    let m = [0.01, -0.02, 0.015, 0.005, 0.03, -0.01];
    let y = [0.012, -0.018, 0.02, 0.01, 0.05, -0.004];
    let plain = Fitted::fit(
        ModelKind::Market,
        1,
        &Estimation {
            stock: &y,
            market: &m,
            ..Estimation::default()
        },
    )
    .unwrap();
    let ones = Fitted::fit(
        ModelKind::Market,
        1,
        &Estimation {
            stock: &y,
            market: &m,
            span: &[1.0; 6],
            ..Estimation::default()
        },
    )
    .unwrap();
    assert_eq!(plain, ones);
}
