import { isMessageType } from '../vocabularies';
import { dtoModelOf } from './dto-model';
import { DtoClass, NestedDto } from './fields';
import { isJsonObject, JsonObject } from './json';
import { linkToHolder } from './message-tree';
import { fieldPath, itemPath, RankedViolation, unknownField } from './violation';

/**
 * Copies a received JSON value into instances of the DTO classes for class-validator, copying only the fields the
 * classes declare (read with `Object.keys`, so own keys such as `__proto__` are seen) and reporting every other key
 * as an unknown field. Nothing is assigned by a key that is not a declared field, so no prototype is ever set.
 * A value of the wrong JSON type is passed on unchanged for the type rules to refuse.
 */
export function toDtoInstance(dto: DtoClass, json: unknown, unknownFields: RankedViolation[]): unknown {
  return new InstanceBuilder(unknownFields).build(dto, json);
}

class InstanceBuilder {
  /** The path of the value being built, joined only when an unknown field is reported. */
  private readonly path: (string | number)[] = [];

  constructor(private readonly unknownFields: RankedViolation[]) {}

  build(dto: DtoClass, json: unknown): unknown {
    if (!isJsonObject(json)) return json;
    const model = dtoModelOf(dto);
    const instance = Object.create(dto.prototype) as JsonObject;
    for (const key of Object.keys(json)) {
      this.path.push(key);
      if (!model.properties.has(key)) {
        this.unknownFields.push(unknownField(this.pathText()));
      } else {
        const nested = model.nested.get(key);
        instance[key] = nested === undefined ? json[key] : this.buildNested(nested, json, key, instance);
      }
      this.path.pop();
    }
    return instance;
  }

  private buildNested(nested: NestedDto, holderJson: JsonObject, key: string, holder: object): unknown {
    const value = holderJson[key];
    const dto = nestedDtoClass(nested, holderJson);
    if (dto === undefined) return value;
    if (!Array.isArray(value)) return this.buildChild(dto, value, holder);
    return value.map((item, index) => {
      this.path.push(index);
      const child = this.buildChild(dto, item, holder);
      this.path.pop();
      return child;
    });
  }

  private buildChild(dto: DtoClass, json: unknown, holder: object): unknown {
    const child = this.build(dto, json);
    if (child !== json) linkToHolder(child as object, holder);
    return child;
  }

  private pathText(): string {
    return this.path.reduce<string>((path, step) => (typeof step === 'number' ? itemPath(path, step) : fieldPath(path, step)), '');
  }
}

function nestedDtoClass(nested: NestedDto, holderJson: JsonObject): DtoClass | undefined {
  if ('dto' in nested) return nested.dto();
  const header = holderJson.header;
  const type = isJsonObject(header) ? header.type : undefined;
  return isMessageType(type) ? nested.dtoByMessageType()[type] : undefined;
}
