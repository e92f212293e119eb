package rsn.neo4j;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.neo4j.internal.kernel.api.TokenRead;
import org.neo4j.internal.kernel.api.security.AccessMode;
import org.neo4j.token.api.NamedToken;

/**
 * What one caller of {@code rsn.kBestPaths} may see of the confidential relationships: those of
 * the {@link #hidden} types are seen only where an end is one of the {@link #entitled} nodes (by
 * their key property) or where the {@link #contributor} asserted them (it is the relationship's
 * owner, or the relationship has the contributor's assertion property, retracted or not).
 * Relationships of every other type are seen by everyone.
 */
final class Sight {
    /** The ids of the confidential relationship types among those searched, sorted. */
    final int[] hidden;
    /** The key property (its token, -1 if no record has it) and the values of the nodes whose
     * confidential relationships the caller sees. */
    final int keyKey;
    final Set<String> entitled;
    /** The contributor whose assertions the caller sees (null: none), the property naming a
     * relationship's owner and the start of every assertion property's key (with their tokens,
     * -1 where no record has them). */
    final String contributor;
    final String prefix;
    final int ownerKey;
    final int assertedKey;

    private Sight(int[] hidden, int keyKey, Set<String> entitled, String contributor, String prefix,
            int ownerKey, int assertedKey) {
        this.hidden = hidden;
        this.keyKey = keyKey;
        this.entitled = entitled;
        this.contributor = contributor;
        this.prefix = prefix;
        this.ownerKey = ownerKey;
        this.assertedKey = assertedKey;
    }

    /**
     * What the caller sees: null (everything) when none of {@code hidden} (relationship type
     * names) is among the searched {@code typeIds}. {@code contributor} null or empty for none;
     * {@code owner} and {@code prefix} the names of the owner property and the start of the
     * assertion properties' keys. Raises IllegalArgumentException if a contributor is given
     * without them.
     */
    static Sight of(TokenRead tokens, int[] typeIds, List<String> hidden, String key, Collection<String> entitled,
            String contributor, String owner, String prefix) {
        int[] ids = hidden == null
                ? new int[0]
                : hidden.stream()
                        .mapToInt(tokens::relationshipType)
                        .filter(id -> id >= 0 && Arrays.stream(typeIds).anyMatch(t -> t == id))
                        .distinct()
                        .sorted()
                        .toArray();
        if (ids.length == 0) return null;
        String who = contributor == null || contributor.isEmpty() ? null : contributor;
        boolean named = owner != null && !owner.isEmpty() && prefix != null && !prefix.isEmpty();
        if (who != null && !named)
            throw new IllegalArgumentException("a contributor needs the owner property and the assertion prefix");
        Set<String> values = new HashSet<>();
        if (entitled != null) for (String value : entitled) if (value != null && !value.isEmpty()) values.add(value);
        return new Sight(
                ids,
                key == null || key.isEmpty() ? -1 : tokens.propertyKey(key),
                values,
                who,
                named ? prefix : null,
                named ? tokens.propertyKey(owner) : -1,
                who == null ? -1 : tokens.propertyKey(prefix + who));
    }

    /** Whether relationships of type {@code type} are confidential. */
    boolean hides(int type) {
        for (int id : hidden) if (id == type) return true;
        return false;
    }

    /** Whether the caller sees every confidential relationship of the node whose key is {@code key}. */
    boolean entitled(String key) {
        return key != null && entitled.contains(key);
    }

    /** Whether {@code contributors} (those that asserted a relationship) hold the caller's. */
    boolean asserted(String[] contributors) {
        if (contributor == null) return false;
        for (String name : contributors) if (name.equals(contributor)) return true;
        return false;
    }

    /** What picks the hub cache of callers who see as this one does, beside the types, weight and
     * day: the hidden types, and the properties a hub's confidential ties are read with. */
    String cacheKey(String owner) {
        StringBuilder key = new StringBuilder("hidden");
        for (int id : hidden) key.append(',').append(id);
        return key.append("|key=").append(keyKey).append("|owner=").append(owner).append("|prefix=").append(prefix)
                .toString();
    }

    /**
     * Whether {@code mode} reads every property a hub's confidential ties are kept with (the key,
     * the owner, every assertion property), so that what it reads may be shared: always with
     * Community's modes; with Enterprise's fine-grained ones, only if no such property is denied.
     */
    boolean readsEvery(AccessMode mode, TokenRead tokens) {
        if (mode instanceof AccessMode.Static) return true;
        if (keyKey >= 0 && !mode.allowsReadPropertyAllLabels(keyKey)) return false;
        if (ownerKey >= 0 && !mode.allowsReadPropertyAllRelTypes(ownerKey)) return false;
        if (prefix == null) return true;
        for (Iterator<NamedToken> all = tokens.propertyKeyGetAllTokens(); all.hasNext(); ) {
            NamedToken token = all.next();
            if (token.name().startsWith(prefix) && !mode.allowsReadPropertyAllRelTypes(token.id())) return false;
        }
        return true;
    }
}
