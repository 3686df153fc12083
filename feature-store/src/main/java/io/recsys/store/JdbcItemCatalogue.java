package io.recsys.store;

import io.recsys.schema.event.ItemAttributes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Item attributes from the table {@code item_attributes}, read in chunks of a few hundred ids per query. */
final class JdbcItemCatalogue implements ItemCatalogue {

    private static final int ATTRIBUTE_CHUNK = 500;

    private final JdbcPool pool;

    JdbcItemCatalogue(JdbcPool pool) {
        this.pool = pool;
    }

    @Override
    public Map<String, ItemAttributes> itemAttributes(Collection<String> itemIds) {
        Map<String, ItemAttributes> result = new HashMap<>();
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(itemIds));
        try (Connection connection = pool.connection()) {
            for (int from = 0; from < ids.size(); from += ATTRIBUTE_CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + ATTRIBUTE_CHUNK));
                String sql = "SELECT item_id, category, subcategory FROM item_attributes WHERE item_id IN ("
                        + String.join(",", Collections.nCopies(chunk.size(), "?")) + ")";
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        statement.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = statement.executeQuery()) {
                        while (rs.next()) {
                            result.put(rs.getString(1), new ItemAttributes(rs.getString(1), rs.getString(2),
                                    rs.getString(3)));
                        }
                    }
                }
            }
            return result;
        } catch (SQLException e) {
            throw new StoreUnavailableException("item attribute read failed: " + e.getMessage(), e);
        }
    }
}
