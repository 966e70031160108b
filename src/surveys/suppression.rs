//! Small-group suppression of published counts (ARCHITECTURE.md, principle 3), as a pure function.
//!
//! A cell below the minimum group size is hidden. Where exactly one cell of a row or a column is
//! hidden, it could be derived from the row's or column's published total, so a second cell (the
//! smallest still shown) is hidden too. This repeats until no row or column has a lone hidden cell.

/// `rows` of counts in, the same shape out with `None` for every hidden cell.
pub fn suppress_table(rows: &[Vec<i64>], min: i64) -> Vec<Vec<Option<i64>>> {
    let mut out: Vec<Vec<Option<i64>>> = rows
        .iter()
        .map(|row| row.iter().map(|&n| (n >= min).then_some(n)).collect())
        .collect();
    let width = out.iter().map(Vec::len).max().unwrap_or(0);
    loop {
        let mut changed = false;
        for row in out.iter_mut() {
            let mut cells: Vec<&mut Option<i64>> = row.iter_mut().collect();
            changed |= complete_line(&mut cells);
        }
        if out.len() > 1 {
            for col in 0..width {
                let mut cells: Vec<&mut Option<i64>> =
                    out.iter_mut().filter_map(|row| row.get_mut(col)).collect();
                changed |= complete_line(&mut cells);
            }
        }
        if !changed {
            return out;
        }
    }
}

/// One row: the shorthand for a table of one line.
pub fn suppress_row(cells: &[i64], min: i64) -> Vec<Option<i64>> {
    suppress_table(&[cells.to_vec()], min)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// Hides the smallest shown cell of a line that has exactly one hidden cell. Returns whether it
/// changed anything.
fn complete_line(cells: &mut [&mut Option<i64>]) -> bool {
    let hidden = cells.iter().filter(|c| c.is_none()).count();
    if hidden != 1 {
        return false;
    }
    let smallest = cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|n| (n, i)))
        .min();
    match smallest {
        Some((_, i)) => {
            *cells[i] = None;
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_at_or_above_the_threshold_are_shown_as_they_are() {
        assert_eq!(
            suppress_row(&[5, 12, 40], 5),
            vec![Some(5), Some(12), Some(40)]
        );
    }

    #[test]
    fn a_lone_small_cell_takes_the_smallest_other_cell_with_it() {
        // Shown alone, 3 could be computed as total − 12 − 40 − 9.
        assert_eq!(
            suppress_row(&[12, 3, 40, 9], 5),
            vec![Some(12), None, Some(40), None]
        );
    }

    #[test]
    fn two_small_cells_need_no_further_suppression() {
        assert_eq!(suppress_row(&[1, 2, 30], 5), vec![None, None, Some(30)]);
    }

    #[test]
    fn zero_counts_are_small_too() {
        assert_eq!(suppress_row(&[0, 20, 30], 5), vec![None, None, Some(30)]);
    }

    #[test]
    fn a_table_suppresses_complementary_cells_in_rows_and_columns() {
        let out = suppress_table(&[vec![10, 2, 30], vec![20, 25, 7]], 5);
        // Row 1: 2 hidden, then 10 (smallest). Column 0 then has one hidden: 20 goes too.
        // Column 1: 2 hidden alone → 25 goes. Row 2 then has two hidden. Column 2: none hidden.
        for row in &out {
            assert_ne!(row.iter().filter(|c| c.is_none()).count(), 1, "{out:?}");
        }
        for col in 0..3 {
            assert_ne!(
                out.iter().filter(|r| r[col].is_none()).count(),
                1,
                "{out:?}"
            );
        }
        assert_eq!(out[0][1], None);
        assert_eq!(out[0][2], Some(30));
    }

    #[test]
    fn a_single_cell_line_cannot_hide_anything_else() {
        assert_eq!(suppress_row(&[2], 5), vec![None]);
    }
}
