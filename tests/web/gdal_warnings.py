"""What a GDAL library says when it reads every feature of every layer of some files, as ogrinfo -al would.

    python tests/web/gdal_warnings.py LIBGDAL FILE [FILE...]

Loads the given libgdal (Debian's, or the one pyogrio bundles) with ctypes, reads each file through the OGR C API
with an error handler on the stack, and prints its version and the warnings and errors it reported, as JSON. Run in
a process of its own, so that two GDALs never share one. Standard library only; the test decides what is wrong.
"""

from __future__ import annotations

import ctypes
import json
import sys

CE_WARNING = 2
OPEN_VECTOR = 0x04


def read_all(gdal: ctypes.CDLL, path: str) -> None:
    gdal.GDALOpenEx.restype = ctypes.c_void_p
    gdal.GDALOpenEx.argtypes = [ctypes.c_char_p, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    gdal.GDALDatasetGetLayerCount.argtypes = [ctypes.c_void_p]
    gdal.GDALDatasetGetLayer.restype = ctypes.c_void_p
    gdal.GDALDatasetGetLayer.argtypes = [ctypes.c_void_p, ctypes.c_int]
    gdal.OGR_L_GetNextFeature.restype = ctypes.c_void_p
    gdal.OGR_L_GetNextFeature.argtypes = [ctypes.c_void_p]
    gdal.OGR_F_Destroy.argtypes = [ctypes.c_void_p]
    gdal.GDALClose.argtypes = [ctypes.c_void_p]
    dataset = gdal.GDALOpenEx(path.encode(), OPEN_VECTOR, None, None, None)
    if not dataset:
        raise SystemExit(f"GDAL cannot open {path}")
    for i in range(gdal.GDALDatasetGetLayerCount(dataset)):
        layer = gdal.GDALDatasetGetLayer(dataset, i)
        while feature := gdal.OGR_L_GetNextFeature(layer):
            gdal.OGR_F_Destroy(feature)
    gdal.GDALClose(dataset)


def main(library: str, paths: list[str]) -> dict:
    gdal = ctypes.CDLL(library)
    said: list[str] = []
    handler_type = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_int, ctypes.c_char_p)
    handler = handler_type(lambda kind, _, text: said.append(text.decode()) if kind >= CE_WARNING else None)
    gdal.CPLPushErrorHandler(handler)
    gdal.GDALAllRegister()
    gdal.GDALVersionInfo.restype = ctypes.c_char_p
    for path in paths:
        read_all(gdal, path)
    gdal.CPLPopErrorHandler()
    return {"version": gdal.GDALVersionInfo(b"RELEASE_NAME").decode(), "said": said}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2:])))
