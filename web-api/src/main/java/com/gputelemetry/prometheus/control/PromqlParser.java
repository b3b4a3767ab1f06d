package com.gputelemetry.prometheus.control;

import com.gputelemetry.prometheus.entity.Expr;
import com.gputelemetry.prometheus.entity.LabelMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the PromQL subset that GPU dashboards use (selectors, range functions, aggregations, arithmetic and
 * comparisons) into an {@link Expr}. Anything outside the subset is refused naming what it is: never a wrong answer.
 */
public final class PromqlParser {

    /** Deeper than any dashboard's query; a bound on the recursion a hostile query could ask for. */
    static final int MAX_DEPTH = 64;

    private static final Set<String> OTHER_FUNCTIONS = Set.of(
            "abs",
            "absent",
            "absent_over_time",
            "ceil",
            "changes",
            "clamp",
            "clamp_max",
            "clamp_min",
            "day_of_month",
            "day_of_week",
            "days_in_month",
            "delta",
            "deriv",
            "exp",
            "floor",
            "histogram_quantile",
            "holt_winters",
            "hour",
            "idelta",
            "irate",
            "label_join",
            "label_replace",
            "ln",
            "log10",
            "log2",
            "minute",
            "month",
            "predict_linear",
            "quantile_over_time",
            "resets",
            "round",
            "scalar",
            "sgn",
            "sort",
            "sort_desc",
            "sqrt",
            "stddev_over_time",
            "stdvar_over_time",
            "time",
            "timestamp",
            "vector",
            "year",
            "present_over_time",
            "acos",
            "asin",
            "atan",
            "cos",
            "sin",
            "tan",
            "deg",
            "rad",
            "pi");
    private static final Set<String> OTHER_AGGREGATIONS =
            Set.of("stddev", "stdvar", "quantile", "count_values", "group", "limitk", "limit_ratio");

    private final String text;
    private int position;
    private int depth;

    private PromqlParser(String text) {
        this.text = text;
    }

    /** @throws BadQueryException naming what is wrong or not supported, and where */
    public static Expr parse(String query) {
        if (query == null || query.isBlank()) {
            throw new BadQueryException("parse error: the query is empty");
        }
        var parser = new PromqlParser(query);
        Expr expr = parser.comparison();
        parser.skipSpace();
        if (parser.position < query.length()) {
            throw parser.error("unexpected '" + parser.rest(10) + "'");
        }
        return expr;
    }

    /** A duration such as {@code 15s} or {@code 1h30m}, in milliseconds. */
    public static long durationMillis(String text) {
        var parser = new PromqlParser(text);
        long millis = parser.duration();
        if (parser.position < text.length()) {
            throw parser.error("unexpected '" + parser.rest(10) + "' after the duration");
        }
        return millis;
    }

    private Expr comparison() {
        Expr left = additive();
        while (true) {
            skipSpace();
            Expr.BinaryOp op = comparisonOp();
            if (op == null) {
                if (word("and") || word("or") || word("unless")) {
                    throw unsupported("the set operators and, or, unless");
                }
                return left;
            }
            boolean returnBool = keyword("bool");
            refuseMatchingModifiers();
            Expr right = additive();
            left = binary(op, left, right, returnBool);
        }
    }

    private Expr.BinaryOp comparisonOp() {
        for (Expr.BinaryOp op : List.of(
                Expr.BinaryOp.EQUAL,
                Expr.BinaryOp.NOT_EQUAL,
                Expr.BinaryOp.GREATER_OR_EQUAL,
                Expr.BinaryOp.LESS_OR_EQUAL,
                Expr.BinaryOp.GREATER,
                Expr.BinaryOp.LESS)) {
            if (text.startsWith(op.symbol(), position)) {
                position += op.symbol().length();
                return op;
            }
        }
        return null;
    }

    private Expr additive() {
        Expr left = multiplicative();
        while (true) {
            skipSpace();
            Expr.BinaryOp op = symbol('+') ? Expr.BinaryOp.ADD : symbol('-') ? Expr.BinaryOp.SUBTRACT : null;
            if (op == null) {
                return left;
            }
            refuseMatchingModifiers();
            left = binary(op, left, multiplicative(), false);
        }
    }

    private Expr multiplicative() {
        Expr left = unary();
        while (true) {
            skipSpace();
            Expr.BinaryOp op = symbol('*')
                    ? Expr.BinaryOp.MULTIPLY
                    : symbol('/') ? Expr.BinaryOp.DIVIDE : symbol('%') ? Expr.BinaryOp.MODULO : null;
            if (op == null) {
                if (word("atan2")) {
                    throw unsupported("the operator atan2");
                }
                return left;
            }
            refuseMatchingModifiers();
            left = binary(op, left, unary(), false);
        }
    }

    private Expr unary() {
        skipSpace();
        if (symbol('-')) {
            return nested(() -> {
                Expr argument = unary();
                return argument instanceof Expr.NumberLiteral number
                        ? new Expr.NumberLiteral(-number.value())
                        : new Expr.Negation(argument);
            });
        }
        if (symbol('+')) {
            return nested(this::unary);
        }
        return power();
    }

    private Expr power() {
        Expr base = postfix();
        skipSpace();
        if (symbol('^')) {
            refuseMatchingModifiers();
            return binary(Expr.BinaryOp.POWER, base, nested(this::unary), false);
        }
        return base;
    }

    /** Right after a binary operator (and its {@code bool}): vector matching modifiers are outside the subset. */
    private void refuseMatchingModifiers() {
        skipSpace();
        if (word("on") || word("ignoring") || word("group_left") || word("group_right")) {
            throw unsupported("vector matching modifiers (on, ignoring, group_left, group_right)");
        }
    }

    private Expr binary(Expr.BinaryOp op, Expr left, Expr right, boolean returnBool) {
        if (left instanceof Expr.MatrixSelector || right instanceof Expr.MatrixSelector) {
            throw error("binary expression must contain only scalar and instant vector types");
        }
        if (op.isComparison() && !returnBool && isScalar(left) && isScalar(right)) {
            throw error("comparisons between scalars must use BOOL modifier");
        }
        if (returnBool && !op.isComparison()) {
            throw error("bool modifier can only be used on comparison operators");
        }
        return new Expr.Binary(op, left, right, returnBool);
    }

    static boolean isScalar(Expr expr) {
        if (expr instanceof Expr.Negation negation) {
            return isScalar(negation.argument());
        }
        if (expr instanceof Expr.Binary binary) {
            return isScalar(binary.left()) && isScalar(binary.right());
        }
        return expr instanceof Expr.NumberLiteral;
    }

    private Expr postfix() {
        Expr expr = primary();
        skipSpace();
        if (symbol('[')) {
            if (!(expr instanceof Expr.VectorSelector selector)) {
                throw unsupported("subqueries and ranges of anything but a selector");
            }
            long range = duration();
            skipSpace();
            if (symbol(':')) {
                throw unsupported("subqueries");
            }
            expect(']');
            expr = new Expr.MatrixSelector(selector, range);
            skipSpace();
        }
        if (keyword("offset")) {
            skipSpace();
            boolean negative = symbol('-');
            long offset = duration() * (negative ? -1 : 1);
            if (expr instanceof Expr.VectorSelector selector) {
                expr = new Expr.VectorSelector(selector.matchers(), offset);
            } else if (expr instanceof Expr.MatrixSelector matrix) {
                expr = new Expr.MatrixSelector(
                        new Expr.VectorSelector(matrix.selector().matchers(), offset), matrix.rangeMillis());
            } else {
                throw error("offset modifier must be preceded by an instant vector selector or range vector selector");
            }
            skipSpace();
        }
        if (peek() == '@') {
            throw unsupported("the @ modifier");
        }
        return expr;
    }

    private Expr primary() {
        skipSpace();
        char c = peek();
        if (c == '(') {
            position++;
            Expr inner = nested(this::comparison);
            skipSpace();
            expect(')');
            return inner;
        }
        if (c == '{') {
            return selector(null);
        }
        if (c == '"' || c == '\'' || c == '`') {
            throw unsupported("string literals");
        }
        if (Character.isDigit(c) || c == '.') {
            return new Expr.NumberLiteral(number());
        }
        String name = identifier(true);
        if (name.isEmpty()) {
            throw error(position >= text.length() ? "unexpected end of input" : "unexpected '" + rest(10) + "'");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("inf") || lower.equals("nan")) {
            return new Expr.NumberLiteral(lower.equals("inf") ? Double.POSITIVE_INFINITY : Double.NaN);
        }
        for (Expr.AggregationOp op : Expr.AggregationOp.values()) {
            if (op.promql().equals(name)) {
                return nested(() -> aggregation(op));
            }
        }
        skipSpace();
        boolean call = peek() == '(';
        if (OTHER_AGGREGATIONS.contains(name) && (call || nextIsGrouping())) {
            throw unsupported("the aggregation " + name);
        }
        if (call) {
            for (Expr.RangeFunction function : Expr.RangeFunction.values()) {
                if (function.promql().equals(name)) {
                    return nested(() -> call(function));
                }
            }
            if (OTHER_FUNCTIONS.contains(name)) {
                throw unsupported("the function " + name);
            }
            throw error("unknown function with name \"" + name + "\"");
        }
        return selector(name);
    }

    private boolean nextIsGrouping() {
        int saved = position;
        boolean grouping = keyword("by") || keyword("without");
        position = saved;
        return grouping;
    }

    private Expr call(Expr.RangeFunction function) {
        expect('(');
        Expr argument = comparison();
        skipSpace();
        if (peek() == ',') {
            throw error("expected 1 argument(s) in call to \"" + function.promql() + "\"");
        }
        expect(')');
        if (!(argument instanceof Expr.MatrixSelector matrix)) {
            throw error("expected type range vector in call to function \"" + function.promql() + "\", got "
                    + typeOf(argument));
        }
        return new Expr.Call(function, matrix);
    }

    private Expr aggregation(Expr.AggregationOp op) {
        Expr.Grouping grouping = grouping();
        skipSpace();
        expect('(');
        Expr parameter = null;
        if (op.takesParameter()) {
            parameter = comparison();
            skipSpace();
            expect(',');
        }
        Expr argument = comparison();
        skipSpace();
        expect(')');
        if (grouping == null) {
            grouping = grouping();
        }
        if (argument instanceof Expr.MatrixSelector || isScalar(argument)) {
            throw error("expected type instant vector in aggregation expression, got " + typeOf(argument));
        }
        if (parameter != null && !isScalar(parameter)) {
            throw unsupported("a parameter of " + op.promql() + " other than a number");
        }
        return new Expr.Aggregation(op, grouping == null ? Expr.Grouping.NONE : grouping, parameter, argument);
    }

    /** {@code by (a, b)} or {@code without (a)}; null when there is none. */
    private Expr.Grouping grouping() {
        boolean without;
        if (keyword("by")) {
            without = false;
        } else if (keyword("without")) {
            without = true;
        } else {
            return null;
        }
        skipSpace();
        expect('(');
        List<String> labels = new ArrayList<>();
        skipSpace();
        while (peek() != ')') {
            String label = identifier(false);
            if (label.isEmpty()) {
                throw error("unexpected '" + rest(10) + "' in grouping, expected a label name");
            }
            labels.add(label);
            skipSpace();
            if (!symbol(',')) {
                break;
            }
            skipSpace();
        }
        expect(')');
        return new Expr.Grouping(without, List.copyOf(labels));
    }

    private Expr.VectorSelector selector(String metric) {
        List<LabelMatcher> matchers = new ArrayList<>();
        if (metric != null) {
            matchers.add(LabelMatcher.of("__name__", LabelMatcher.Type.EQUAL, metric));
        }
        skipSpace();
        if (symbol('{')) {
            skipSpace();
            while (peek() != '}') {
                String label = identifier(false);
                if (label.isEmpty()) {
                    throw error("unexpected '" + rest(10) + "' in label matching, expected a label name");
                }
                skipSpace();
                LabelMatcher.Type type = matchType();
                skipSpace();
                String value = string();
                try {
                    matchers.add(LabelMatcher.of(label, type, value));
                } catch (PatternSyntaxException e) {
                    throw error("invalid regular expression for " + label + ": " + e.getDescription());
                }
                skipSpace();
                if (!symbol(',')) {
                    break;
                }
                skipSpace();
            }
            expect('}');
        }
        if (matchers.isEmpty() || matchers.stream().allMatch(LabelMatcher::matchesEmpty)) {
            throw error("vector selector must contain at least one non-empty matcher");
        }
        return new Expr.VectorSelector(List.copyOf(matchers), 0);
    }

    private LabelMatcher.Type matchType() {
        for (LabelMatcher.Type type :
                List.of(LabelMatcher.Type.REGEX, LabelMatcher.Type.NOT_REGEX, LabelMatcher.Type.NOT_EQUAL)) {
            if (text.startsWith(type.symbol(), position)) {
                position += type.symbol().length();
                return type;
            }
        }
        if (symbol('=')) {
            return LabelMatcher.Type.EQUAL;
        }
        throw error("unexpected '" + rest(10) + "' in label matching, expected one of =, !=, =~, !~");
    }

    /** A quoted string with Go's escapes ({@code \"}, {@code \\}, {@code \n}, {@code \t}); backquotes take none. */
    private String string() {
        char quote = peek();
        if (quote != '"' && quote != '\'' && quote != '`') {
            throw error("unexpected '" + rest(10) + "', expected a quoted string");
        }
        position++;
        var value = new StringBuilder();
        while (position < text.length()) {
            char c = text.charAt(position++);
            if (c == quote) {
                return value.toString();
            }
            if (c == '\\' && quote != '`' && position < text.length()) {
                char escaped = text.charAt(position++);
                value.append(
                        switch (escaped) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            default -> escaped;
                        });
            } else {
                value.append(c);
            }
        }
        throw error("unterminated quoted string");
    }

    private double number() {
        int start = position;
        if (text.startsWith("0x", position) || text.startsWith("0X", position)) {
            position += 2;
            while (position < text.length() && Character.digit(text.charAt(position), 16) >= 0) {
                position++;
            }
            return Long.parseLong(text.substring(start + 2, position), 16);
        }
        while (position < text.length() && (Character.isDigit(text.charAt(position)) || text.charAt(position) == '.')) {
            position++;
        }
        if (position < text.length() && (text.charAt(position) == 'e' || text.charAt(position) == 'E')) {
            int exponent = position + 1;
            if (exponent < text.length() && (text.charAt(exponent) == '+' || text.charAt(exponent) == '-')) {
                exponent++;
            }
            if (exponent < text.length() && Character.isDigit(text.charAt(exponent))) {
                position = exponent;
                while (position < text.length() && Character.isDigit(text.charAt(position))) {
                    position++;
                }
            }
        }
        if (position < text.length() && Character.isLetter(text.charAt(position))) {
            throw error("a duration where a number belongs: '" + text.substring(start, position + 1) + "'");
        }
        try {
            return Double.parseDouble(text.substring(start, position));
        } catch (NumberFormatException e) {
            throw error("bad number '" + text.substring(start, position) + "'");
        }
    }

    /** {@code 5m}, {@code 1h30m}, {@code 100ms}: units ms, s, m, h, d, w, y. */
    private long duration() {
        skipSpace();
        int start = position;
        long total = 0;
        while (position < text.length() && Character.isDigit(text.charAt(position))) {
            int digits = position;
            while (position < text.length() && Character.isDigit(text.charAt(position))) {
                position++;
            }
            long amount;
            try {
                amount = Long.parseLong(text.substring(digits, position));
            } catch (NumberFormatException e) {
                throw error("duration out of range");
            }
            long unit;
            if (text.startsWith("ms", position)) {
                unit = 1;
                position += 2;
            } else if (position < text.length() && "smhdwy".indexOf(text.charAt(position)) >= 0) {
                unit = switch (text.charAt(position)) {
                    case 's' -> 1_000L;
                    case 'm' -> 60_000L;
                    case 'h' -> 3_600_000L;
                    case 'd' -> 86_400_000L;
                    case 'w' -> 604_800_000L;
                    default -> 31_536_000_000L;
                };
                position++;
            } else {
                throw error("bad duration '" + text.substring(start, Math.min(text.length(), position + 1))
                        + "': a number with a unit (ms, s, m, h, d, w, y)");
            }
            try {
                total = Math.addExact(total, Math.multiplyExact(amount, unit));
            } catch (ArithmeticException e) {
                throw error("duration out of range");
            }
        }
        if (position == start) {
            throw error("unexpected '" + rest(10) + "', expected a duration");
        }
        if (total == 0) {
            throw error("duration must be greater than 0");
        }
        return total;
    }

    /** A metric name (with ':') or a label name; empty when none starts here. */
    private String identifier(boolean metric) {
        int start = position;
        while (position < text.length()) {
            char c = text.charAt(position);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':');
            if (!(letter || (position > start && c >= '0' && c <= '9'))) {
                break;
            }
            position++;
        }
        return text.substring(start, position);
    }

    private boolean keyword(String keyword) {
        skipSpace();
        if (word(keyword)) {
            position += keyword.length();
            return true;
        }
        return false;
    }

    /** Whether the word stands here, whole. */
    private boolean word(String word) {
        if (!text.startsWith(word, position)) {
            return false;
        }
        int end = position + word.length();
        return end >= text.length() || !(Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_');
    }

    private boolean symbol(char symbol) {
        if (peek() == symbol) {
            position++;
            return true;
        }
        return false;
    }

    private void expect(char symbol) {
        skipSpace();
        if (!symbol(symbol)) {
            throw error(
                    position >= text.length()
                            ? "unexpected end of input, expected '" + symbol + "'"
                            : "unexpected '" + rest(10) + "', expected '" + symbol + "'");
        }
    }

    private char peek() {
        return position < text.length() ? text.charAt(position) : '\0';
    }

    private void skipSpace() {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '#') {
                while (position < text.length() && text.charAt(position) != '\n') {
                    position++;
                }
            } else if (Character.isWhitespace(c)) {
                position++;
            } else {
                return;
            }
        }
    }

    private <T> T nested(Supplier<T> inner) {
        if (++depth > MAX_DEPTH) {
            throw error("the expression is nested more than " + MAX_DEPTH + " levels deep");
        }
        try {
            return inner.get();
        } finally {
            depth--;
        }
    }

    private static String typeOf(Expr expr) {
        if (expr instanceof Expr.MatrixSelector) {
            return "range vector";
        }
        return isScalar(expr) ? "scalar" : "instant vector";
    }

    private String rest(int characters) {
        return text.substring(position, Math.min(text.length(), position + characters));
    }

    private BadQueryException error(String message) {
        return new BadQueryException("parse error at char " + (position + 1) + ": " + message);
    }

    private BadQueryException unsupported(String what) {
        return new BadQueryException("not supported: " + what + " (this server answers a subset of PromQL: "
                + "selectors, rate, increase, *_over_time, sum/avg/min/max/count/topk/bottomk by/without, "
                + "arithmetic and comparisons, offset)");
    }
}
