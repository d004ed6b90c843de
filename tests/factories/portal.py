import factory
from factory.django import DjangoModelFactory

from portal.enums import MunicipalityKind, Role
from portal.models import Municipality, Province, User

TEST_PASSWORD = "correct-horse-battery-2569"


class ProvinceFactory(DjangoModelFactory[Province]):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 89) + 10:02d}")
    name_th = factory.Sequence(lambda n: f"จังหวัดทดสอบ{n}")
    name_en = factory.Sequence(lambda n: f"Test Province {n}")


class MunicipalityFactory(DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality

    code = factory.Sequence(lambda n: f"9{n:05d}")
    kind = MunicipalityKind.TOWN
    name_th = factory.Sequence(lambda n: f"ทดสอบ{n}")
    full_name_th = factory.LazyAttribute(lambda o: f"เทศบาลเมือง{o.name_th}")
    name_en = factory.Sequence(lambda n: f"Test Town {n}")
    full_name_en = factory.LazyAttribute(lambda o: f"{o.name_en} Town Municipality")
    province = factory.SubFactory(ProvinceFactory)
    population = 45_000
    population_year = 2021
    households = 18_000
    area_km2 = factory.Faker("pydecimal", left_digits=2, right_digits=2, positive=True)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.go.th")
    full_name = factory.Sequence(lambda n: f"ผู้ใช้ทดสอบ {n}")
    role = Role.REVIEWER
    municipality = None
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):  # noqa: N805 -- factory_boy passes the instance first
        if create:
            obj.save(update_fields=["password"])

    class Params:
        editor = factory.Trait(role=Role.EDITOR, municipality=factory.SubFactory(MunicipalityFactory))
        signatory = factory.Trait(role=Role.SIGNATORY, municipality=factory.SubFactory(MunicipalityFactory))
        admin = factory.Trait(role=Role.ADMIN)
