from rest_framework import serializers


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    """The caller's own account: no data about anyone else."""

    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    units = UnitRefSerializer(many=True)
