package com.gputelemetry.graphql.entity;

import java.util.List;
import org.eclipse.microprofile.graphql.Description;

/** Relay's page information: pass endCursor back as {@code after} for the next page. */
@Description("Where a page stands: pass endCursor back as 'after' while hasNextPage")
public record PageInfo(boolean hasNextPage, boolean hasPreviousPage, String startCursor, String endCursor) {

    /** The page of these cursors (in order), after a cursor (null: the start), with or without a next page. */
    public static PageInfo of(List<String> cursors, String after, boolean hasNextPage) {
        return new PageInfo(
                hasNextPage,
                after != null,
                cursors.isEmpty() ? null : cursors.get(0),
                cursors.isEmpty() ? null : cursors.get(cursors.size() - 1));
    }
}
