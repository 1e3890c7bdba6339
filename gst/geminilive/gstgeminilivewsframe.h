/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Client WebSocket frames (RFC 6455, section 5.2): one unfragmented,
 * masked frame per message. Pure: the session writes them itself, so
 * that a streaming thread can send an audio chunk without waking the
 * network thread (libsoup cannot be called from another thread).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GST_GEMINI_LIVE_WS_OPCODE_TEXT 0x1
#define GST_GEMINI_LIVE_WS_OPCODE_PING 0x9

/* Returns a newly allocated frame carrying @payload with @opcode, masked
 * with @mask (its bytes in network order, as they go on the wire), and
 * its size in @frame_len. */
guint8 *gst_gemini_live_ws_frame_build (guint8 opcode, const guint8 *payload,
    gsize payload_len, guint32 mask, gsize *frame_len);

G_END_DECLS
