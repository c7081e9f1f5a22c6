package tocsin.oncall.directory;

import java.util.List;

/**
 * One page of a list the store sorted and cut: the items from {@code offset}, at most {@code limit} of them, and how
 * many there are in all. Immutable.
 *
 * @param items the page
 * @param total how many items match, all pages together
 */
public record Page<T>(List<T> items, long total) {
    public Page {
        items = List.copyOf(items);
    }

    /** Whether items follow this page, which started at {@code offset}. */
    public boolean more(int offset) {
        return offset + items.size() < total;
    }
}
