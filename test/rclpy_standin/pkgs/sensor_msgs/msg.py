from rosidl_standin import Fixed, Message, Seq
from std_msgs.msg import Header


class Image(Message):
    FIELDS = {
        "header": Header, "height": "uint32", "width": "uint32", "encoding": "string",
        "is_bigendian": "uint8", "step": "uint32", "data": Seq("uint8"),
    }


class CompressedImage(Message):
    FIELDS = {"header": Header, "format": "string", "data": Seq("uint8")}


class RegionOfInterest(Message):
    FIELDS = {"x_offset": "uint32", "y_offset": "uint32", "height": "uint32", "width": "uint32", "do_rectify": "bool"}


class CameraInfo(Message):
    FIELDS = {
        "header": Header, "height": "uint32", "width": "uint32", "distortion_model": "string",
        "d": Seq("float64"), "k": Fixed("float64", 9), "r": Fixed("float64", 9), "p": Fixed("float64", 12),
        "binning_x": "uint32", "binning_y": "uint32", "roi": RegionOfInterest,
    }
