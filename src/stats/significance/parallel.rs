//! A parallel map on the current rayon pool (the one `--threads` sizes), for the cross-event
//! work that splits into independent pieces: the pairs of `rbar` and the groups of a study.
//! Results come back in input order, so every sum taken over them runs in the same order as
//! a sequential loop and the numbers do not depend on the thread count.

use rayon::prelude::*;

/// `items.iter().map(f).collect()`, with the items shared out among the pool's threads.
///
/// A panic in `f` is re-raised here.
pub(crate) fn map_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() <= 1 || rayon::current_num_threads() <= 1 {
        return items.iter().map(f).collect();
    }
    items.par_iter().with_max_len(1).map(&f).collect()
}

/// Threads of the current pool.
pub(crate) fn threads() -> usize {
    rayon::current_num_threads()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_map_keeps_the_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        assert_eq!(
            map_parallel(&items, |&k| k * k),
            items.iter().map(|k| k * k).collect::<Vec<_>>()
        );
        assert!(map_parallel(&[] as &[u64], |&k| k).is_empty());
    }
}
