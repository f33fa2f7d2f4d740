from rest_framework import serializers

from registry.models import District, Premises


class DistrictSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code", read_only=True,
                                     help_text="ISO 3166-2:KH code of the province.")
    province_name = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = District
        fields = ["id", "code", "name", "name_km", "province", "province_name"]


class PremisesSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.code", read_only=True, help_text="District code.")
    district_name = serializers.CharField(source="district.name", read_only=True)
    province = serializers.CharField(source="district.province.code", read_only=True,
                                     help_text="ISO 3166-2:KH code of the province.")
    is_inspectable = serializers.BooleanField(read_only=True)

    class Meta:
        model = Premises
        fields = ["id", "premises_type", "name", "registration_number", "address", "district", "district_name",
                  "province", "latitude", "longitude", "operator_name", "contact", "is_inspectable", "created_at"]
        read_only_fields = fields


class PremisesWriteSerializer(serializers.ModelSerializer):
    """New premises. The district (by code) must be in your unit's jurisdiction."""

    district = serializers.SlugRelatedField(slug_field="code", queryset=District.objects.all(),
                                            help_text="District code, from /api/v1/districts/.")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90,
                                        required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                         required=False, allow_null=True)

    class Meta:
        model = Premises
        fields = ["premises_type", "name", "registration_number", "address", "district", "latitude", "longitude",
                  "operator_name", "contact"]
        # Uniqueness is checked by the service (full_clean), so that the error names the field once.
        validators = []
        extra_kwargs = {"registration_number": {"validators": []}}
