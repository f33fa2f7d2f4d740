"""Reference data: Cambodia's 25 provinces (ISO 3166-2:KH), main districts, and visa types.

District codes are <province code>-<two digits>; they identify rows here, not official codes.
Administrators add or correct districts and visa types in the admin.
"""

from django.db import migrations

PROVINCES = [
    ("KH-1", "Banteay Meanchey", "បន្ទាយមានជ័យ", ["Serei Saophoan", "Poipet", "Malai", "O Chrov", "Mongkol Borei"]),
    ("KH-2", "Battambang", "បាត់ដំបង", ["Battambang", "Kamrieng", "Sampov Lun", "Moung Ruessei", "Ratanak Mondol"]),
    ("KH-3", "Kampong Cham", "កំពង់ចាម", ["Kampong Cham", "Cheung Prey", "Batheay", "Kang Meas"]),
    ("KH-4", "Kampong Chhnang", "កំពង់ឆ្នាំង", ["Kampong Chhnang", "Kampong Tralach", "Rolea B'ier"]),
    ("KH-5", "Kampong Speu", "កំពង់ស្ពឺ", ["Chbar Mon", "Samraong Tong", "Kong Pisei", "Thpong"]),
    ("KH-6", "Kampong Thom", "កំពង់ធំ", ["Stueng Saen", "Baray", "Santuk"]),
    ("KH-7", "Kampot", "កំពត", ["Kampot", "Chhuk", "Tuek Chhou", "Kampong Trach"]),
    ("KH-8", "Kandal", "កណ្ដាល", ["Ta Khmau", "Ang Snuol", "Kien Svay", "S'ang", "Ponhea Leu", "Mukh Kampul"]),
    ("KH-9", "Koh Kong", "កោះកុង", ["Khemarak Phoumin", "Botum Sakor", "Srae Ambel", "Mondol Seima"]),
    ("KH-10", "Kratie", "ក្រចេះ", ["Kratie", "Snuol", "Chhloung"]),
    ("KH-11", "Mondulkiri", "មណ្ឌលគិរី", ["Saen Monourom", "Pech Chreada", "Kaev Seima"]),
    ("KH-12", "Phnom Penh", "ភ្នំពេញ", [
        "Chamkar Mon", "Daun Penh", "Prampir Meakkakra", "Tuol Kouk", "Dangkao", "Mean Chey", "Russey Keo",
        "Saensokh", "Pou Senchey", "Chraoy Chongvar", "Praek Pnov", "Chbar Ampov", "Boeng Keng Kang", "Kamboul",
    ]),
    ("KH-13", "Preah Vihear", "ព្រះវិហារ", ["Tbaeng Mean Chey", "Choam Ksant"]),
    ("KH-14", "Prey Veng", "ព្រៃវែង", ["Prey Veng", "Peam Ro", "Kamchay Mear"]),
    ("KH-15", "Pursat", "ពោធិ៍សាត់", ["Pursat", "Bakan", "Krakor"]),
    ("KH-16", "Ratanakiri", "រតនគិរី", ["Ban Lung", "O Yadav"]),
    ("KH-17", "Siem Reap", "សៀមរាប", ["Siem Reap", "Angkor Thom", "Puok", "Prasat Bakong"]),
    ("KH-18", "Preah Sihanouk", "ព្រះសីហនុ", ["Preah Sihanouk", "Prey Nob", "Stueng Hav", "Kampong Seila"]),
    ("KH-19", "Stung Treng", "ស្ទឹងត្រែង", ["Stung Treng", "Sesan"]),
    ("KH-20", "Svay Rieng", "ស្វាយរៀង", ["Svay Rieng", "Bavet", "Chantrea", "Rumduol"]),
    ("KH-21", "Takeo", "តាកែវ", ["Doun Kaev", "Bati", "Kiri Vong"]),
    ("KH-22", "Oddar Meanchey", "ឧត្ដរមានជ័យ", ["Samraong", "Anlong Veng"]),
    ("KH-23", "Kep", "កែប", ["Kep", "Damnak Chang'aeur"]),
    ("KH-24", "Pailin", "ប៉ៃលិន", ["Pailin", "Sala Krau"]),
    ("KH-25", "Tbong Khmum", "ត្បូងឃ្មុំ", ["Suong", "Memot", "Ponhea Kraek"]),
]

VISA_TYPES = [
    # code, name, Khmer name, allows work, diplomatic
    ("T", "Tourist", "ទេសចរណ៍", False, False),
    ("E", "Ordinary", "ធម្មតា", False, False),
    ("EB", "Business", "អាជីវកម្ម", True, False),
    ("EG", "General employment", "ការងារទូទៅ", True, False),
    ("ES", "Student", "សិស្ស និស្សិត", False, False),
    ("ER", "Retirement", "និវត្តន៍", False, False),
    ("A", "Diplomatic", "ការទូត", False, True),
    ("B", "Official", "ផ្លូវការ", False, True),
    ("C", "Courtesy", "សុជីវធម៌", False, False),
    ("K", "Khmer origin", "ដើមកំណើតខ្មែរ", True, False),
]


def load(apps, schema_editor):
    Province = apps.get_model("registry", "Province")
    District = apps.get_model("registry", "District")
    VisaType = apps.get_model("registry", "VisaType")
    for code, name, name_km, districts in PROVINCES:
        province, _ = Province.objects.update_or_create(code=code, defaults={"name": name, "name_km": name_km})
        for index, district in enumerate(districts, start=1):
            District.objects.update_or_create(
                code=f"{code}-{index:02d}", defaults={"province": province, "name": district},
            )
    for code, name, name_km, allows_work, diplomatic in VISA_TYPES:
        VisaType.objects.update_or_create(
            code=code, defaults={"name": name, "name_km": name_km, "allows_work": allows_work,
                                 "is_diplomatic": diplomatic},
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
