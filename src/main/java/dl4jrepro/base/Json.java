package dl4jrepro.base;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The project's two JSON mappers: one for files people read, one whose text is a fingerprint of the content. */
public final class Json {
    /** Indented, fields in declaration order: run.json, summaries, checkpoint states. */
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Map keys in sorted order: equal content gives equal text, for trial ids and staleness checks. */
    public static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Json() {}

    /** The canonical text of {@code o}: equal for equal content whatever the order of map entries. */
    public static String canonical(Object o) {
        try {
            return CANONICAL.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where a file failed to parse and why, for a one-line error: " at line L, column C: first line of the reason". */
    public static String problem(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
        return where + ": " + why;
    }
}
