/* The trtinfer plugin: registers the element and the decoders (the overlay
 * is a plugin of its own, gsttrtoverlayplugin.c). */
#include "gsttrtclassify.h"
#include "gsttrtctc.h"
#include "gsttrtdbnet.h"
#include "gsttrtdetect.h"
#include "gsttrtinfer.h"


static gboolean
plugin_init (GstPlugin * plugin)
{
  return GST_ELEMENT_REGISTER (trtinfer, plugin)
      && GST_ELEMENT_REGISTER (trtclassify, plugin)
      && GST_ELEMENT_REGISTER (trtdetect, plugin)
      && GST_ELEMENT_REGISTER (trtctc, plugin)
      && GST_ELEMENT_REGISTER (trtdbnet, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, trtinfer,
    "Neural network inference with the trtinfer engine", plugin_init, VERSION,
    "MIT", PACKAGE, "trtinfer")
