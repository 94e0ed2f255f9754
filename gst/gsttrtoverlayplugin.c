/* The trtoverlay plugin: the overlay alone, so that trtinfer loads where
 * cairo and pango are absent. */
#include "gsttrtoverlay.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  return GST_ELEMENT_REGISTER (trtoverlay, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, trtoverlay,
    "Draws trtinfer's regions, labels and text on video", plugin_init, VERSION,
    "MIT", PACKAGE, "trtinfer")
