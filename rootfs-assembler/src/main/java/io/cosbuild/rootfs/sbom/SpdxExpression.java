package io.cosbuild.rootfs.sbom;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An SPDX license expression whose unlisted licenses are still names: {@link Ref}s become
 * {@code LicenseRef-} ids only when the whole document is known (two packages may give one short
 * name two different texts). Rendering is canonical ({@link Rendered}): nested ANDs (ORs) are flattened,
 * operands are deduplicated and sorted, and an OR inside an AND (an AND inside an OR) is parenthesised.
 * Immutable.
 */
sealed interface SpdxExpression {

  /** A license on the SPDX License List, or one with a listed exception: {@code GPL-2.0-only WITH Linux-syscall-note}. */
  record Listed(String text) implements SpdxExpression {
    public Listed {
      Objects.requireNonNull(text);
    }
  }

  /**
   * A short name (with its exception, as the copyright file writes it) that has no SPDX id.
   *
   * @param text the stand-alone License paragraph's text for it in the same file, or {@code null}
   */
  record Ref(String name, String text) implements SpdxExpression {
    public Ref {
      Objects.requireNonNull(name);
    }
  }

  record And(List<SpdxExpression> operands) implements SpdxExpression {
    public And {
      operands = List.copyOf(operands);
    }
  }

  record Or(List<SpdxExpression> operands) implements SpdxExpression {
    public Or {
      operands = List.copyOf(operands);
    }
  }

  /** Every {@link Ref} in this expression, in no particular order. */
  default List<Ref> refs() {
    List<Ref> out = new ArrayList<>();
    collectRefs(this, out);
    return out;
  }

  private static void collectRefs(SpdxExpression e, List<Ref> out) {
    if (e instanceof Ref r) {
      out.add(r);
    } else if (e instanceof And a) {
      a.operands().forEach(o -> collectRefs(o, out));
    } else if (e instanceof Or o) {
      o.operands().forEach(x -> collectRefs(x, out));
    }
  }

  /** The expression's text, with {@code ids} giving each {@link Ref}'s {@code LicenseRef-} id. */
  default String render(Function<Ref, String> ids) {
    return Rendered.of(this, ids).text();
  }

  /**
   * An expression in canonical form: an atom (a listed id or a LicenseRef), or an AND or OR of operands
   * keyed by their text (so sorted and deduplicated), none of them of the same operator (flattened), those
   * of the other operator keyed in parentheses. An AND or OR left with one operand is that operand.
   */
  record Rendered(String atom, boolean and, TreeMap<String, Rendered> operands) {

    static Rendered of(SpdxExpression e, Function<Ref, String> ids) {
      if (e instanceof Listed l) {
        return new Rendered(l.text(), false, null);
      }
      if (e instanceof Ref r) {
        return new Rendered(ids.apply(r), false, null);
      }
      boolean and = e instanceof And;
      TreeMap<String, Rendered> operands = new TreeMap<>();
      for (SpdxExpression o : and ? ((And) e).operands() : ((Or) e).operands()) {
        Rendered r = of(o, ids);
        if (r.atom() != null) {
          operands.put(r.atom(), r);
        } else if (r.and() == and) {
          operands.putAll(r.operands());
        } else {
          operands.put("(" + r.text() + ")", r);
        }
      }
      if (operands.isEmpty()) {
        throw new IllegalStateException("an empty " + (and ? "AND" : "OR"));
      }
      return operands.size() == 1 ? operands.firstEntry().getValue() : new Rendered(null, and, operands);
    }

    String text() {
      return atom != null ? atom : String.join(and ? " AND " : " OR ", operands.keySet());
    }
  }
}
