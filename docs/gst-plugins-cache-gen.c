/* gst-plugins-cache-gen: writes a GStreamer documentation cache
 * (gst_plugins_cache.json) for plugin files, from the plugins themselves.
 *
 *   gst-plugins-cache-gen OUTPUT.json PLUGIN.so [PLUGIN.so...]
 *
 * GStreamer modules commit a gst_plugins_cache.json made by
 * gst-hotdoc-plugins-scanner and hotdoc, which Debian 12 does not ship.
 * This program produces the same shape from the registry and GObject
 * introspection: factory metadata, pad templates with caps, properties
 * (type, default, range, flags, mutability, blurb), signals (arguments,
 * return type, flags) and the enums the plugin marks as plugin API. The
 * output is sorted and indented like GStreamer's committed caches, so a
 * diff shows what changed in the element's interface.
 *
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

/* A minimal JSON tree: objects keep members sorted when written, as in
 * GStreamer's caches (json.dump with sort_keys). */
typedef enum
{
  NODE_OBJECT,
  NODE_ARRAY,
  NODE_STRING,
  NODE_BOOL,
} NodeKind;

typedef struct _Node Node;
struct _Node
{
  NodeKind kind;
  gchar *string;
  gboolean boolean;
  GPtrArray *children; /* Node * (array) or Member * (object) */
};

typedef struct
{
  gchar *name;
  Node *value;
} Member;

static void node_free (Node *node);

static void
member_free (Member *member)
{
  g_free (member->name);
  node_free (member->value);
  g_free (member);
}

static void
node_free (Node *node)
{
  if (node == NULL)
    return;
  g_free (node->string);
  if (node->children != NULL)
    g_ptr_array_unref (node->children);
  g_free (node);
}

static Node *
node_object (void)
{
  Node *node = g_new0 (Node, 1);

  node->kind = NODE_OBJECT;
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify)member_free);
  return node;
}

static Node *
node_array (void)
{
  Node *node = g_new0 (Node, 1);

  node->kind = NODE_ARRAY;
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify)node_free);
  return node;
}

static Node *
node_string_take (gchar *value)
{
  Node *node = g_new0 (Node, 1);

  node->kind = NODE_STRING;
  node->string = value;
  return node;
}

static Node *
node_string (const gchar *value)
{
  /* GStreamer's scanner writes a NULL string as "NULL". */
  return node_string_take (g_strdup (value ? value : "NULL"));
}

static Node *
node_bool (gboolean value)
{
  Node *node = g_new0 (Node, 1);

  node->kind = NODE_BOOL;
  node->boolean = value;
  return node;
}

static Node *
set (Node *object, const gchar *name, Node *value)
{
  Member *member = g_new0 (Member, 1);

  member->name = g_strdup (name);
  member->value = value;
  g_ptr_array_add (object->children, member);
  return value;
}

static void
append (Node *array, Node *value)
{
  g_ptr_array_add (array->children, value);
}

static gint
compare_members (gconstpointer a, gconstpointer b)
{
  const Member *ma = *(const Member **)a;
  const Member *mb = *(const Member **)b;

  return strcmp (ma->name, mb->name);
}

static void
write_string (GString *out, const gchar *s)
{
  g_string_append_c (out, '"');
  for (; *s; s++) {
    guchar c = (guchar)*s;

    switch (c) {
      case '"':
        g_string_append (out, "\\\"");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          g_string_append_printf (out, "\\u%04x", c);
        else
          g_string_append_c (out, (gchar)c);
        break;
    }
  }
  g_string_append_c (out, '"');
}

static void
write_node (GString *out, Node *node, guint depth)
{
  guint i;

  switch (node->kind) {
    case NODE_STRING:
      write_string (out, node->string);
      return;
    case NODE_BOOL:
      g_string_append (out, node->boolean ? "true" : "false");
      return;
    case NODE_ARRAY:
    case NODE_OBJECT:
      break;
  }

  if (node->children->len == 0) {
    g_string_append (out, node->kind == NODE_OBJECT ? "{}" : "[]");
    return;
  }
  if (node->kind == NODE_OBJECT)
    g_ptr_array_sort (node->children, compare_members);
  g_string_append (out, node->kind == NODE_OBJECT ? "{\n" : "[\n");
  for (i = 0; i < node->children->len; i++) {
    g_string_append_printf (out, "%*s", (depth + 1) * 4, "");
    if (node->kind == NODE_OBJECT) {
      Member *member = g_ptr_array_index (node->children, i);

      write_string (out, member->name);
      g_string_append (out, ": ");
      write_node (out, member->value, depth + 1);
    } else {
      write_node (out, g_ptr_array_index (node->children, i), depth + 1);
    }
    g_string_append (out, i + 1 < node->children->len ? ",\n" : "\n");
  }
  g_string_append_printf (
      out, "%*s%c", depth * 4, "", node->kind == NODE_OBJECT ? '}' : ']');
}

/* ---- types ------------------------------------------------------------- */

static void
add_enum_type (Node *other_types, GType type)
{
  GEnumClass *klass = g_type_class_ref (type);
  Node *desc = set (other_types, g_type_name (type), node_object ());
  Node *values;
  guint i;

  set (desc, "kind", node_string ("enum"));
  values = set (desc, "values", node_array ());
  for (i = 0; i < klass->n_values; i++) {
    Node *v = node_object ();

    set (v, "name", node_string (klass->values[i].value_nick));
    set (v, "value",
        node_string_take (g_strdup_printf ("%d", klass->values[i].value)));
    set (v, "desc", node_string (klass->values[i].value_name));
    append (values, v);
  }
  g_type_class_unref (klass);
}

static void
add_flags_type (Node *other_types, GType type)
{
  GFlagsClass *klass = g_type_class_ref (type);
  Node *desc = set (other_types, g_type_name (type), node_object ());
  Node *values;
  guint i;

  set (desc, "kind", node_string ("flags"));
  values = set (desc, "values", node_array ());
  for (i = 0; i < klass->n_values; i++) {
    Node *v = node_object ();

    set (v, "name", node_string (klass->values[i].value_nick));
    set (v, "value",
        node_string_take (g_strdup_printf ("0x%08x", klass->values[i].value)));
    set (v, "desc", node_string (klass->values[i].value_name));
    append (values, v);
  }
  g_type_class_unref (klass);
}

/* Enums and flags the plugin marked with gst_type_mark_as_plugin_api()
 * are documented once, in "other-types". */
static void
note_type (Node *other_types, GHashTable *seen, GType type)
{
  const gchar *name = g_type_name (type);

  if (name == NULL || g_hash_table_contains (seen, name)
      || !gst_type_is_plugin_api (type, NULL))
    return;
  g_hash_table_add (seen, (gpointer)name);
  if (G_TYPE_IS_ENUM (type))
    add_enum_type (other_types, type);
  else if (G_TYPE_IS_FLAGS (type))
    add_flags_type (other_types, type);
}

static gchar *
enum_default (GType type, gint value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);
  gchar *s = g_strdup_printf ("%s (%d)", v ? v->value_nick : "", value);

  g_type_class_unref (klass);
  return s;
}

static gchar *
flags_default (GType type, guint value)
{
  GFlagsClass *klass = g_type_class_ref (type);
  GString *s = g_string_new (NULL);
  gint i;

  for (i = (gint)klass->n_values - 1; i >= 0; i--) {
    guint v = klass->values[i].value;

    if (v == value) {
      g_string_assign (s, klass->values[i].value_nick);
      break;
    }
    if (v != 0 && (value & v) == v) {
      if (s->len > 0)
        g_string_append_c (s, '+');
      g_string_append (s, klass->values[i].value_nick);
    }
  }
  if (s->len == 0)
    g_string_assign (s, "(none)");
  g_type_class_unref (klass);
  return g_string_free (s, FALSE);
}

/* ---- properties -------------------------------------------------------- */

#define RANGE(fmt, def, min, max)                                              \
  G_STMT_START                                                                 \
  {                                                                            \
    set (p, "default", node_string_take (g_strdup_printf (fmt, def)));         \
    set (p, "min", node_string_take (g_strdup_printf (fmt, min)));             \
    set (p, "max", node_string_take (g_strdup_printf (fmt, max)));             \
  }                                                                            \
  G_STMT_END

static void
add_value (Node *p, GParamSpec *spec, const GValue *value)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (spec);

  switch (G_TYPE_FUNDAMENTAL (type)) {
    case G_TYPE_STRING:
      set (p, "default", node_string (g_value_get_string (value)));
      break;
    case G_TYPE_BOOLEAN:
      set (p, "default",
          node_string (g_value_get_boolean (value) ? "true" : "false"));
      break;
    case G_TYPE_INT:
      RANGE ("%d", g_value_get_int (value), G_PARAM_SPEC_INT (spec)->minimum,
          G_PARAM_SPEC_INT (spec)->maximum);
      break;
    case G_TYPE_UINT:
      RANGE ("%u", g_value_get_uint (value), G_PARAM_SPEC_UINT (spec)->minimum,
          G_PARAM_SPEC_UINT (spec)->maximum);
      break;
    case G_TYPE_INT64:
      RANGE ("%" G_GINT64_FORMAT, g_value_get_int64 (value),
          G_PARAM_SPEC_INT64 (spec)->minimum,
          G_PARAM_SPEC_INT64 (spec)->maximum);
      break;
    case G_TYPE_UINT64:
      RANGE ("%" G_GUINT64_FORMAT, g_value_get_uint64 (value),
          G_PARAM_SPEC_UINT64 (spec)->minimum,
          G_PARAM_SPEC_UINT64 (spec)->maximum);
      break;
    case G_TYPE_FLOAT:
      RANGE ("%g", (gdouble)g_value_get_float (value),
          (gdouble)G_PARAM_SPEC_FLOAT (spec)->minimum,
          (gdouble)G_PARAM_SPEC_FLOAT (spec)->maximum);
      break;
    case G_TYPE_DOUBLE:
      RANGE ("%g", g_value_get_double (value),
          G_PARAM_SPEC_DOUBLE (spec)->minimum,
          G_PARAM_SPEC_DOUBLE (spec)->maximum);
      break;
    case G_TYPE_ENUM:
      set (p, "default",
          node_string_take (enum_default (type, g_value_get_enum (value))));
      break;
    case G_TYPE_FLAGS:
      set (p, "default",
          node_string_take (flags_default (type, g_value_get_flags (value))));
      break;
    default:
      if (type == GST_TYPE_CAPS && gst_value_get_caps (value) != NULL) {
        set (p, "default",
            node_string_take (gst_caps_to_string (gst_value_get_caps (value))));
      } else if (type == GST_TYPE_STRUCTURE
          && gst_value_get_structure (value) != NULL) {
        set (p, "default",
            node_string_take (
                gst_structure_to_string (gst_value_get_structure (value))));
      } else if (GST_IS_PARAM_SPEC_FRACTION (spec)) {
        GstParamSpecFraction *f = GST_PARAM_SPEC_FRACTION (spec);

        set (p, "default",
            node_string_take (g_strdup_printf ("%d/%d",
                gst_value_get_fraction_numerator (value),
                gst_value_get_fraction_denominator (value))));
        set (p, "min",
            node_string_take (
                g_strdup_printf ("%d/%d", f->min_num, f->min_den)));
        set (p, "max",
            node_string_take (
                g_strdup_printf ("%d/%d", f->max_num, f->max_den)));
      }
      break;
  }
}

static const gchar *
mutability (GParamFlags flags)
{
  if (flags & GST_PARAM_MUTABLE_PLAYING)
    return "playing";
  if (flags & GST_PARAM_MUTABLE_PAUSED)
    return "paused";
  if (flags & GST_PARAM_MUTABLE_READY)
    return "ready";
  return "null";
}

static void
add_properties (Node *element, Node *other_types, GHashTable *seen,
    GObject *object, GType type)
{
  GParamSpec **specs;
  guint i, n;
  Node *props = NULL;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n);
  for (i = 0; i < n; i++) {
    GParamSpec *spec = specs[i];
    GValue value = G_VALUE_INIT;
    Node *p;

    if (spec->owner_type != type)
      continue;
    if (props == NULL)
      props = set (element, "properties", node_object ());

    /* The object's current value is its default; a property that cannot
     * be read reports the param spec's default, as GStreamer does. */
    g_value_init (&value, spec->value_type);
    if ((spec->flags & G_PARAM_READABLE)
        && !(spec->flags & GST_PARAM_DOC_SHOW_DEFAULT))
      g_object_get_property (object, spec->name, &value);
    else
      g_param_value_set_default (spec, &value);

    p = set (props, spec->name, node_object ());
    set (p, "blurb", node_string (g_param_spec_get_blurb (spec)));
    set (p, "conditionally-available",
        node_bool (spec->flags & GST_PARAM_CONDITIONALLY_AVAILABLE));
    set (p, "construct", node_bool (spec->flags & G_PARAM_CONSTRUCT));
    set (p, "construct-only", node_bool (spec->flags & G_PARAM_CONSTRUCT_ONLY));
    set (p, "controllable", node_bool (spec->flags & GST_PARAM_CONTROLLABLE));
    set (p, "mutable", node_string (mutability (spec->flags)));
    set (p, "readable", node_bool (spec->flags & G_PARAM_READABLE));
    set (p, "writable", node_bool (spec->flags & G_PARAM_WRITABLE));
    set (p, "type", node_string (g_type_name (spec->value_type)));
    add_value (p, spec, &value);
    note_type (other_types, seen, spec->value_type);
    g_value_unset (&value);
  }
  g_free (specs);
}

/* ---- signals ----------------------------------------------------------- */

static void
add_signals (Node *element, Node *other_types, GHashTable *seen, GType type)
{
  guint *ids, n, i, j;
  Node *signals = NULL;

  ids = g_signal_list_ids (type, &n);
  for (i = 0; i < n; i++) {
    GSignalQuery query;
    Node *s, *args;

    g_signal_query (ids[i], &query);
    if (signals == NULL)
      signals = set (element, "signals", node_object ());
    s = set (signals, query.signal_name, node_object ());
    args = set (s, "args", node_array ());
    for (j = 0; j < query.n_params; j++) {
      GType ptype = query.param_types[j] & ~G_SIGNAL_TYPE_STATIC_SCOPE;
      Node *arg = node_object ();

      set (arg, "name", node_string_take (g_strdup_printf ("arg%u", j)));
      set (arg, "type", node_string (g_type_name (ptype)));
      append (args, arg);
      note_type (other_types, seen, ptype);
    }
    set (s, "return-type", node_string (g_type_name (query.return_type)));
    note_type (other_types, seen, query.return_type);
    if (query.signal_flags & G_SIGNAL_RUN_FIRST)
      set (s, "when", node_string ("first"));
    else if (query.signal_flags & G_SIGNAL_RUN_LAST)
      set (s, "when", node_string ("last"));
    else if (query.signal_flags & G_SIGNAL_RUN_CLEANUP)
      set (s, "when", node_string ("cleanup"));
    if (query.signal_flags & G_SIGNAL_NO_RECURSE)
      set (s, "no-recurse", node_bool (TRUE));
    if (query.signal_flags & G_SIGNAL_DETAILED)
      set (s, "detailed", node_bool (TRUE));
    if (query.signal_flags & G_SIGNAL_ACTION)
      set (s, "action", node_bool (TRUE));
    if (query.signal_flags & G_SIGNAL_NO_HOOKS)
      set (s, "no-hooks", node_bool (TRUE));
  }
  g_free (ids);
}

/* ---- pad templates ----------------------------------------------------- */

static gboolean
append_field (GQuark field, const GValue *value, gpointer user_data)
{
  GString *out = user_data;
  gchar *str = gst_value_serialize (value);
  const gchar *name = g_quark_to_string (field);

  /* GStreamer drops the type annotation of the two most common fields. */
  if (g_str_equal (name, "format") || g_str_equal (name, "rate")) {
    GRegex *re = g_regex_new ("\\(string\\)|\\(rate\\)", 0, 0, NULL);
    gchar *clean = g_regex_replace (re, str, -1, 0, "", 0, NULL);

    g_regex_unref (re);
    g_free (str);
    str = clean;
  }
  g_string_append_printf (out, "%15s: %s\n", name, str);
  g_free (str);
  return TRUE;
}

static gchar *
caps_text (const GstCaps *caps)
{
  GString *out = g_string_new (NULL);
  guint i;

  if (gst_caps_is_any (caps))
    g_string_append (out, "ANY");
  else if (gst_caps_is_empty (caps))
    g_string_append (out, "EMPTY");
  for (i = 0; i < gst_caps_get_size (caps) && !gst_caps_is_any (caps); i++) {
    GstStructure *s = gst_caps_get_structure (caps, i);
    GstCapsFeatures *f = gst_caps_get_features (caps, i);

    if (f != NULL
        && (gst_caps_features_is_any (f)
            || !gst_caps_features_is_equal (
                f, GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY))) {
      gchar *fs = gst_caps_features_to_string (f);

      g_string_append_printf (
          out, "%s%s(%s):\n", i ? "\n" : "", gst_structure_get_name (s), fs);
      g_free (fs);
    } else {
      g_string_append_printf (out, "%s:\n", gst_structure_get_name (s));
    }
    gst_structure_foreach (s, append_field, out);
  }
  return g_string_free (out, FALSE);
}

static void
add_pad_templates (
    Node *element, GstElement *instance, GstElementFactory *factory)
{
  const GList *l = gst_element_factory_get_static_pad_templates (factory);
  Node *pads = NULL;

  for (; l != NULL; l = l->next) {
    GstStaticPadTemplate *st = l->data;
    GstPadTemplate *templ = gst_element_class_get_pad_template (
        GST_ELEMENT_GET_CLASS (instance), st->name_template);
    GstCaps *caps = gst_pad_template_get_documentation_caps (templ);
    Node *p;

    if (pads == NULL)
      pads = set (element, "pad-templates", node_object ());
    p = set (pads, st->name_template, node_object ());
    set (p, "caps", node_string_take (caps_text (caps)));
    set (p, "direction",
        node_string (st->direction == GST_PAD_SRC ? "src"
                : st->direction == GST_PAD_SINK   ? "sink"
                                                  : "unknown"));
    set (p, "presence",
        node_string (st->presence == GST_PAD_ALWAYS ? "always"
                : st->presence == GST_PAD_SOMETIMES ? "sometimes"
                : st->presence == GST_PAD_REQUEST   ? "request"
                                                    : "unknown"));
    if (GST_PAD_TEMPLATE_GTYPE (templ) != G_TYPE_NONE
        && GST_PAD_TEMPLATE_GTYPE (templ) != GST_TYPE_PAD)
      set (p, "type",
          node_string (g_type_name (GST_PAD_TEMPLATE_GTYPE (templ))));
    gst_caps_unref (caps);
  }
}

/* ---- elements and plugins ---------------------------------------------- */

static const gchar *
rank_name (gint rank, gchar *buf, gsize size)
{
  static const gint ranks[] = { GST_RANK_NONE, GST_RANK_MARGINAL,
    GST_RANK_SECONDARY, GST_RANK_PRIMARY };
  static const gchar *names[] = { "none", "marginal", "secondary", "primary" };
  guint i, best = 0;

  for (i = 0; i < G_N_ELEMENTS (ranks); i++) {
    if (rank == ranks[i])
      return names[i];
    if (abs (rank - ranks[i]) < abs (rank - ranks[best]))
      best = i;
  }
  g_snprintf (buf, size, "%s %c %d", names[best],
      rank > ranks[best] ? '+' : '-', abs (ranks[best] - rank));
  return buf;
}

static void
add_element (Node *elements, Node *other_types, GHashTable *seen,
    GstElementFactory *factory)
{
  GstElement *instance = gst_element_factory_create (factory, NULL);
  GType type, t;
  Node *e, *hierarchy;
  gchar **keys, **k;
  gchar buf[32];
  GType *ifaces;
  guint n_ifaces, i;

  if (instance == NULL)
    g_error ("cannot create %s", GST_OBJECT_NAME (factory));
  gst_object_ref_sink (instance);
  type = G_OBJECT_TYPE (instance);

  e = set (elements, GST_OBJECT_NAME (factory), node_object ());
  set (e, "rank",
      node_string (
          rank_name (gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE (factory)),
              buf, sizeof buf)));
  keys = gst_element_factory_get_metadata_keys (factory);
  for (k = keys; k != NULL && *k != NULL; k++)
    set (e, *k, node_string (gst_element_factory_get_metadata (factory, *k)));
  g_strfreev (keys);

  hierarchy = set (e, "hierarchy", node_array ());
  for (t = type; t != 0; t = g_type_parent (t))
    append (hierarchy, node_string (g_type_name (t)));
  ifaces = g_type_interfaces (type, &n_ifaces);
  if (n_ifaces > 0) {
    Node *list = set (e, "interfaces", node_array ());

    for (i = 0; i < n_ifaces; i++)
      append (list, node_string (g_type_name (ifaces[i])));
  }
  g_free (ifaces);

  add_properties (e, other_types, seen, G_OBJECT (instance), type);
  add_signals (e, other_types, seen, type);
  add_pad_templates (e, instance, factory);
  gst_object_unref (instance);
}

static gboolean
add_plugin (Node *root, const gchar *file)
{
  GError *error = NULL;
  GstPlugin *plugin = gst_plugin_load_file (file, &error);
  GList *features, *l;
  Node *p, *elements, *tracers, *other_types;
  GHashTable *seen;
  gchar *base, *dot;

  if (plugin == NULL) {
    g_printerr (
        "%s could not be loaded as a GstPlugin: %s\n", file, error->message);
    g_error_free (error);
    return FALSE;
  }

  base = g_path_get_basename (file);
  dot = strchr (base, '.');
  if (dot != NULL)
    *dot = '\0';
  p = set (root, gst_plugin_get_name (plugin), node_object ());
  set (p, "description", node_string (gst_plugin_get_description (plugin)));
  set (p, "filename",
      node_string (g_str_has_prefix (base, "lib") ? base + 3 : base));
  set (p, "source", node_string (gst_plugin_get_source (plugin)));
  set (p, "package", node_string (gst_plugin_get_package (plugin)));
  set (p, "license", node_string (gst_plugin_get_license (plugin)));
  set (p, "url", node_string (gst_plugin_get_origin (plugin)));
  elements = set (p, "elements", node_object ());
  tracers = set (p, "tracers", node_object ());
  other_types = set (p, "other-types", node_object ());
  g_free (base);

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  features = gst_registry_get_feature_list_by_plugin (
      gst_registry_get (), gst_plugin_get_name (plugin));
  for (l = features; l != NULL; l = l->next) {
    if (GST_IS_ELEMENT_FACTORY (l->data)) {
      if (!gst_element_factory_get_skip_documentation (l->data))
        add_element (elements, other_types, seen, l->data);
    } else if (GST_IS_TRACER_FACTORY (l->data)) {
      set (tracers, GST_OBJECT_NAME (l->data), node_object ());
    }
  }
  gst_plugin_feature_list_free (features);
  g_hash_table_unref (seen);
  gst_object_unref (plugin);
  return TRUE;
}

int
main (int argc, char **argv)
{
  Node *root;
  GString *out;
  GError *error = NULL;
  int i, status = 0;

  /* Numbers must not depend on the caller's locale. */
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");
  gst_init (NULL, NULL);
  if (argc < 3) {
    g_printerr ("usage: %s OUTPUT.json PLUGIN.so [PLUGIN.so...]\n", argv[0]);
    return 2;
  }

  root = node_object ();
  for (i = 2; i < argc; i++)
    if (!add_plugin (root, argv[i]))
      status = 1;

  out = g_string_new (NULL);
  write_node (out, root, 0);
  g_string_append_c (out, '\n');
  if (!g_file_set_contents (argv[1], out->str, out->len, &error)) {
    g_printerr ("cannot write %s: %s\n", argv[1], error->message);
    g_error_free (error);
    status = 1;
  }
  g_string_free (out, TRUE);
  node_free (root);
  return status;
}
