//! A scoped parallel map over the machine's cores (std threads, no extra dependency), for
//! the cross-event work that splits into independent pieces: the pairs of `rbar` and the
//! groups of a study. Results come back in input order, so every sum taken over them runs
//! in the same order as a sequential loop and the numbers do not depend on the core count.

use std::num::NonZero;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `items.iter().map(f).collect()`, with the items shared out among the available cores.
///
/// A panic in `f` is re-raised here.
pub(crate) fn map_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZero::get)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(k) else {
                            return done;
                        };
                        done.push((k, f(item)));
                    }
                })
            })
            .collect();
        for worker in workers {
            match worker.join() {
                Ok(done) => {
                    for (k, r) in done {
                        slots[k] = Some(r);
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    slots.into_iter().flatten().collect()
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
