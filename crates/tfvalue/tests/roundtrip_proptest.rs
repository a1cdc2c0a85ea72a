//! Property tests: random types, random conforming values (with nulls and
//! unknowns sprinkled in), through both codecs.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use tfvalue::{Number, Type, Value, json, msgpack};

fn primitive_type() -> BoxedStrategy<Type> {
    prop_oneof![Just(Type::String), Just(Type::Number), Just(Type::Bool)].boxed()
}

fn type_strategy(allow_dynamic: bool) -> BoxedStrategy<Type> {
    let leaf = if allow_dynamic {
        prop_oneof![4 => primitive_type(), 1 => Just(Type::Dynamic)].boxed()
    } else {
        primitive_type()
    };
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            btree_map("[a-z_]{1,6}", inner.clone(), 0..4).prop_map(Type::Object),
            vec(inner, 0..3).prop_map(Type::Tuple),
        ]
    })
    .boxed()
}

#[derive(Clone, Copy)]
struct Opts {
    /// Generate unknowns and infinities (msgpack can carry them, JSON cannot).
    msgpack_only: bool,
}

fn number_strategy(opts: Opts) -> BoxedStrategy<Number> {
    let finite = prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| Number::from_f64(f).unwrap()),
        (any::<i32>(), -40i64..40).prop_map(|(m, e)| format!("{m}e{e}").parse().unwrap()),
    ];
    if opts.msgpack_only {
        prop_oneof![
            10 => finite,
            1 => Just(Number::infinity()),
            1 => Just(Number::neg_infinity()),
        ]
        .boxed()
    } else {
        finite.boxed()
    }
}

fn value_strategy(ty: &Type, opts: Opts) -> BoxedStrategy<Value> {
    let known: BoxedStrategy<Value> = match ty {
        Type::String => any::<String>().prop_map(Value::String).boxed(),
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => number_strategy(opts).prop_map(Value::Number).boxed(),
        Type::List(t) => vec(value_strategy(t, opts), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(t) => vec(value_strategy(t, opts), 0..4)
            .prop_map(Value::set)
            .boxed(),
        Type::Map(t) => btree_map(".{0,4}", value_strategy(t, opts), 0..4)
            .prop_map(Value::Map)
            .boxed(),
        Type::Tuple(ts) => ts
            .iter()
            .map(|t| value_strategy(t, opts))
            .collect::<Vec<_>>()
            .prop_map(Value::Tuple)
            .boxed(),
        Type::Object(ts) => {
            let names: Vec<String> = ts.keys().cloned().collect();
            ts.values()
                .map(|t| value_strategy(t, opts))
                .collect::<Vec<_>>()
                .prop_map(move |vals| Value::object(names.clone().into_iter().zip(vals)))
                .boxed()
        }
        Type::Dynamic => type_strategy(false)
            .prop_flat_map(move |t| {
                value_strategy(&t, opts).prop_map(move |v| Value::dynamic(t.clone(), v))
            })
            .boxed(),
    };
    if opts.msgpack_only {
        prop_oneof![1 => Just(Value::Null), 1 => Just(Value::Unknown), 6 => known].boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 6 => known].boxed()
    }
}

fn typed_value(opts: Opts) -> impl Strategy<Value = (Type, Value)> {
    type_strategy(true).prop_flat_map(move |t| {
        let v = value_strategy(&t, opts);
        (Just(t), v)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn msgpack_round_trip((ty, v) in typed_value(Opts { msgpack_only: true })) {
        prop_assert!(v.conforms_to(&ty));
        let bytes = msgpack::encode(&v, &ty).unwrap();
        let back = msgpack::decode(&bytes, &ty).unwrap();
        prop_assert_eq!(&back, &v);
        prop_assert_eq!(msgpack::encode(&back, &ty).unwrap(), bytes);
    }

    #[test]
    fn json_round_trip((ty, v) in typed_value(Opts { msgpack_only: false })) {
        prop_assert!(v.is_wholly_known());
        let bytes = json::encode(&v, &ty).unwrap();
        let back = json::decode(&bytes, &ty).unwrap();
        prop_assert_eq!(&back, &v);
        // And the two codecs agree.
        let via_msgpack = msgpack::decode(&msgpack::encode(&v, &ty).unwrap(), &ty).unwrap();
        prop_assert_eq!(via_msgpack, back);
    }

    #[test]
    fn type_json_round_trip(ty in type_strategy(true)) {
        prop_assert_eq!(Type::from_json_bytes(&ty.to_json_bytes()).unwrap(), ty);
    }

    #[test]
    fn decoding_garbage_never_panics(ty in type_strategy(true), bytes in vec(any::<u8>(), 0..64)) {
        let _ = msgpack::decode(&bytes, &ty);
        let _ = json::decode(&bytes, &ty);
        let _ = json::decode_lenient(&bytes, &ty);
    }

    #[test]
    fn number_text_round_trip(n in number_strategy(Opts { msgpack_only: true })) {
        prop_assert_eq!(n.to_string().parse::<Number>().unwrap(), n);
    }

    #[test]
    fn number_order_is_numeric(a in any::<i32>(), ea in -8i32..8, b in any::<i32>(), eb in -8i32..8) {
        let na: Number = format!("{a}e{ea}").parse().unwrap();
        let nb: Number = format!("{b}e{eb}").parse().unwrap();
        // Scale both to integers: a × 10^(ea+8) fits comfortably in i128.
        let sa = i128::from(a) * 10i128.pow((ea + 8) as u32);
        let sb = i128::from(b) * 10i128.pow((eb + 8) as u32);
        prop_assert_eq!(na.cmp(&nb), sa.cmp(&sb));
        prop_assert_eq!(na == nb, sa == sb);
    }

    #[test]
    fn integer_conversions(i in any::<i64>()) {
        let n = Number::from(i);
        prop_assert_eq!(n.as_i64(), Some(i));
        prop_assert_eq!(n.as_f64(), i as f64);
        let bytes = msgpack::encode(&Value::Number(n.clone()), &Type::Number).unwrap();
        prop_assert_eq!(msgpack::decode(&bytes, &Type::Number).unwrap(), Value::Number(n));
    }

    #[test]
    fn float_conversions(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
        let exact = Number::from_f64(f).unwrap();
        prop_assert_eq!(exact.as_f64(), f);
        prop_assert_eq!(exact.as_exact_f64(), Some(f));
        let shortest = Number::from_f64_shortest(f).unwrap();
        prop_assert_eq!(shortest.as_f64(), f);
    }
}
