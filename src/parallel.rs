//! Work spread over every core, results in input order.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many threads work on `items` items: one per core, no more than
/// there are items.
#[must_use]
pub fn workers(items: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(items.max(1))
}

/// `f` applied to every item, on as many threads as there are cores (and
/// no more than items); each thread takes the next item when it is done.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let states = vec![(); workers(items.len())];
    map_with(items, states, |(), item| f(item))
}

/// [`map`] with a state of its own for each thread (one thread per
/// state; at least one): what cannot be shared, such as a libgit2
/// repository.
pub fn map_with<T: Sync, S: Send, R: Send>(
    items: &[T],
    states: Vec<S>,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let order: Vec<usize> = (0..items.len()).collect();
    map_in_order(items, &order, states, f)
}

/// [`map_with`], starting with the items of the highest `cost` (their
/// size, say): taken in input order, one large file near the end keeps
/// one core busy while the others have nothing left to do.
pub fn map_with_costliest_first<T: Sync, S: Send, R: Send>(
    items: &[T],
    states: Vec<S>,
    cost: impl Fn(&T) -> u64,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    let costs: Vec<u64> = items.iter().map(cost).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(costs[i]));
    map_in_order(items, &order, states, f)
}

/// [`map`] over files, the largest first (see
/// [`map_with_costliest_first`]); a file that cannot be measured counts
/// as empty.
pub fn map_files<R: Send>(
    paths: &[std::path::PathBuf],
    f: impl Fn(&std::path::PathBuf) -> R + Sync,
) -> Vec<R> {
    let workers = vec![(); workers(paths.len())];
    let size = |path: &std::path::PathBuf| std::fs::metadata(path).map_or(0, |m| m.len());
    map_with_costliest_first(paths, workers, size, |(), path| f(path))
}

/// The workers take `items[order[0]]`, `items[order[1]]`, …; results are
/// in the order of `items`. `order` is a permutation of the indices.
fn map_in_order<T: Sync, S: Send, R: Send>(
    items: &[T],
    order: &[usize],
    states: Vec<S>,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for mut state in states {
            let (next, results, f) = (&next, &results, &f);
            scope.spawn(move || {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = f(&mut state, &items[i]);
                    results
                        .lock()
                        .expect("no worker panics while holding the lock")[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("workers are done")
        .into_iter()
        .map(|r| r.expect("every item was taken by a worker"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_input_order() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(
            super::map(&items, |n| n * 2),
            items.iter().map(|n| n * 2).collect::<Vec<_>>()
        );
        assert!(super::map(&[] as &[u32], |n| *n).is_empty());
    }

    #[test]
    fn each_thread_keeps_its_state() {
        let items: Vec<u32> = (0..100).collect();
        let states = vec![(0usize, 0u32), (1, 0)];
        let seen = super::map_with(&items, states, |(id, count), n| {
            *count += 1;
            (*id, *count, n * 3)
        });
        assert_eq!(
            seen.iter().map(|(_, _, n)| *n).collect::<Vec<_>>(),
            items.iter().map(|n| n * 3).collect::<Vec<_>>()
        );
        // Each state counted its own items 1, 2, 3, … with no gap or
        // repeat, and together they saw every item.
        let mut total = 0;
        for id in 0..2 {
            let mut counts: Vec<u32> = seen
                .iter()
                .filter(|(s, _, _)| *s == id)
                .map(|(_, c, _)| *c)
                .collect();
            counts.sort_unstable();
            assert!(
                counts
                    .iter()
                    .copied()
                    .eq(1..=u32::try_from(counts.len()).unwrap())
            );
            total += counts.len();
        }
        assert_eq!(total, items.len());
    }

    #[test]
    fn costliest_items_are_taken_first_and_results_keep_input_order() {
        let items: Vec<u64> = vec![3, 9, 1, 7, 5];
        // One worker: the order it takes items in is the order of the
        // counts it hands out.
        let taken = super::map_with_costliest_first(
            &items,
            vec![0u32],
            |n| *n,
            |count, n| {
                *count += 1;
                (*count, *n)
            },
        );
        assert_eq!(
            taken.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
            items,
            "results in input order"
        );
        let mut by_turn = taken.clone();
        by_turn.sort_unstable();
        assert_eq!(
            by_turn.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
            vec![9, 7, 5, 3, 1],
            "taken costliest first"
        );
    }
}
