/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A short scheduler time slice for a streaming thread (Linux 6.12 and
 * later, EEVDF): a thread that asks for a slice shorter than the running
 * thread's may preempt it when it wakes, instead of waiting for that
 * thread's slice (about 1.4 ms on 2 cores) to run out. Nothing else
 * changes: no priority, no share of the CPU, no privileges needed.
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_GEMINI_LIVE_SLICE_MIN_US 100
#define GST_GEMINI_LIVE_SLICE_MAX_US 100000

/* In a streaming thread that enters a task: asks for slice_us (values
 * under the kernel's shortest, 100, count as 100), keeping what the
 * thread had. Only a thread of the normal policy is changed (real-time,
 * batch and idle threads are left as they are). 0 does nothing. */
void gst_gemini_live_slice_enter (guint slice_us);
/* In the same thread as it leaves the task: gives back what enter took. */
void gst_gemini_live_slice_leave (void);

G_END_DECLS
